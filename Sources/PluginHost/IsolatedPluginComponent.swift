import Foundation
import RewardPipeline

/// A plugin component run in its own worker process (`crystalrl-plugin-worker`); see
/// `IsolatedPluginInstance` for what that guarantees. Config: `isolation: process`,
/// `timeout: SECONDS`, `memory_limit_mb: MB`.
public final class IsolatedPluginComponent: RewardComponent {
  public let info: PluginComponentInfo
  public var name: String { info.name }
  /// The metrics the component receives, in order: its descriptor's, or the configured ones
  /// (see `PluginComponentInfo.requiredMetrics(configured:)`).
  public let requiredMetrics: [String]
  public var outputMayBeNaN: Bool { info.outputMayBeNaN }
  private let instance: IsolatedPluginInstance

  /// Starts a worker for component `name` of the plugin at `path` and creates the instance
  /// there; fails as creating the component in-process would (with the plugin's own message),
  /// or with how the worker failed. `requiredMetrics` is the `required_metrics` of its config
  /// entry, only for a component with CRL_COMPONENT_METRICS_FROM_CONFIG; the worker passes
  /// whichever metric columns each batch carries.
  public init(
    path: String, name: String, configJSON: String, limits: WorkerLimits = WorkerLimits(),
    workerExecutable: String = PluginWorkerClient.defaultWorker, requiredMetrics: [String]? = nil
  ) throws {
    instance = try IsolatedPluginInstance(
      path: path, subject: .component(name), configJSON: configJSON, limits: limits,
      workerExecutable: workerExecutable)
    // The worker described a component under this name, so the cast holds.
    info = instance.info as! PluginComponentInfo
    self.requiredMetrics = try info.requiredMetrics(configured: requiredMetrics)
  }

  public var path: String { instance.path }
  public var configJSON: String { instance.configJSON }
  public var limits: WorkerLimits { instance.limits }
  public var workerExecutable: String { instance.workerExecutable }

  /// The current worker's pid (nil between a failure and the next batch), for diagnostics.
  public var workerProcessID: pid_t? { instance.workerProcessID }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    try instance.run(batch, metrics: requiredMetrics.map { metrics[$0]! })
  }

  /// How the worker failed in the last call, nil when it did not (for `PluginConformance`).
  var lastWorkerFailure: WorkerFailure? { instance.lastWorkerFailure }

  /// Scores `batch` with this instance and a second one created like it, at the same time on
  /// two threads of the worker; both results validated.
  func computeTwice(_ batch: StructureBatch, metrics: MetricTable) throws -> ([Double], [Double]) {
    try instance.runTwice(batch, metrics: requiredMetrics.map { metrics[$0]! })
  }

  /// Creates the instance `times` more times in the worker, each create destroying the
  /// previous instance; returns the worker's resident memory (KiB) before and after.
  func recreate(times: Int) throws -> (before: Int, after: Int) {
    try instance.recreate(times: times)
  }
}
