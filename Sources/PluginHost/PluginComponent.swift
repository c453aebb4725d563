import Foundation
import RewardPipeline

/// A plugin component as a `RewardComponent`: one instance of it, run in this process
/// (`init(library:…)`: created from its JSON config, fed batches without copies, destroyed when
/// this object goes away) or in its own worker process (`init(path:…)`; see
/// `IsolatedPluginInstance` for what that guarantees; config: `isolation: process`,
/// `timeout: SECONDS`, `memory_limit_mb: MB`).
public final class PluginComponent: RewardComponent {
  public let info: PluginComponentInfo
  public var name: String { info.name }
  /// The metrics the component receives, in order: its descriptor's, or the configured ones
  /// (see `PluginComponentInfo.requiredMetrics(configured:)`).
  public let requiredMetrics: [String]
  public var outputMayBeNaN: Bool { info.outputMayBeNaN }
  private let runner: any PluginRunner

  /// Creates an instance of component `name` of `library` in this process with `configJSON`
  /// (a JSON object of the component's own parameters). `requiredMetrics` is the
  /// `required_metrics` of its config entry, only for a component with
  /// CRL_COMPONENT_METRICS_FROM_CONFIG.
  public convenience init(
    library: PluginLibrary, name: String, configJSON: String = "{}",
    requiredMetrics: [String]? = nil
  ) throws {
    try self.init(
      PluginInstance(library: library, subject: .component(name), configJSON: configJSON),
      requiredMetrics: requiredMetrics)
  }

  /// Starts a worker for component `name` of the plugin at `path` and creates the instance
  /// there; fails as creating the component in-process would (with the plugin's own message),
  /// or with how the worker failed. The worker passes whichever metric columns each batch
  /// carries.
  public convenience init(
    path: String, name: String, configJSON: String, limits: WorkerLimits = WorkerLimits(),
    workerExecutable: String = PluginWorkerClient.defaultWorker, requiredMetrics: [String]? = nil
  ) throws {
    try self.init(
      IsolatedPluginInstance(
        path: path, subject: .component(name), configJSON: configJSON, limits: limits,
        workerExecutable: workerExecutable),
      requiredMetrics: requiredMetrics)
  }

  private init(_ runner: any PluginRunner, requiredMetrics: [String]?) throws {
    // The runner was created for a component of this name, so the cast holds.
    info = runner.info as! PluginComponentInfo
    self.requiredMetrics = try info.requiredMetrics(configured: requiredMetrics)
    self.runner = runner
  }

  /// The limits of the worker process; nil when the component runs in this process.
  public var limits: WorkerLimits? { (runner as? IsolatedPluginInstance)?.limits }

  /// The current worker's pid, for diagnostics: nil in this process, and between a worker's
  /// failure and the next batch.
  public var workerProcessID: pid_t? { (runner as? IsolatedPluginInstance)?.workerProcessID }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    try runner.run(batch, metrics: requiredMetrics.map { metrics[$0]! })
  }
}
