import RewardPipeline
import Synchronization

/// A plugin's metric provider (ABI 1.1) as a `MetricProvider`, run in this process or, with
/// `isolation: process`, in its own worker process with the same guarantees as an isolated
/// component. Its output is checked like a component's rewards: exactly `width` values per
/// structure, no infinity, NaN ("not available") only when the provider declares
/// CRL_PROVIDER_OUTPUT_MAY_BE_NAN.
public final class PluginMetricProvider: MetricProvider {
  public let info: PluginProviderInfo
  public var name: String { info.name }
  public var requiredMetrics: [String] { info.requiredMetrics }
  /// The instance, computing one batch at a time (the ABI never computes an instance on two
  /// threads at once).
  private let runner: Mutex<any PluginRunner>

  /// Creates provider `name` of `library` in this process with `configJSON` (a JSON object of
  /// its own parameters).
  public convenience init(library: PluginLibrary, name: String, configJSON: String = "{}") throws {
    try self.init(
      PluginInstance(library: library, subject: .provider(name), configJSON: configJSON))
  }

  /// Creates provider `name` of the plugin at `path` in a worker process.
  public convenience init(
    path: String, name: String, configJSON: String, limits: WorkerLimits = WorkerLimits(),
    workerExecutable: String = PluginWorkerClient.defaultWorker
  ) throws {
    try self.init(
      IsolatedPluginInstance(
        path: path, subject: .provider(name), configJSON: configJSON, limits: limits,
        workerExecutable: workerExecutable))
  }

  private init(_ runner: sending any PluginRunner) {
    // The runner was created for a provider of this name, so the cast holds.
    info = runner.info as! PluginProviderInfo
    self.runner = Mutex(runner)
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    let columns = requiredMetrics.map { metrics[$0]! }
    let values = try runner.withLock { try $0.run(batch, metrics: columns) }
    return MetricColumn(name: name, width: info.width, values: values)
  }
}
