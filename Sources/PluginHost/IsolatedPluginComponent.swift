import Foundation
import RewardPipeline

/// A plugin component run in its own worker process (`crystalrl-plugin-worker`), so a plugin
/// that crashes, hangs, exits, prints or leaks costs one failed batch, with a clear error,
/// instead of the whole run. Nothing of the plugin runs in the host: the worker loads it and
/// describes it (`info` comes from the worker). The batch goes to the worker through shared
/// memory (see `WorkerProtocol`). After any worker failure the worker is replaced (and the
/// instance created again) before the next batch. Config: `isolation: process`,
/// `timeout: SECONDS`, `memory_limit_mb: MB`.
public final class IsolatedPluginComponent: RewardComponent {
  public let info: PluginComponentInfo
  public var name: String { info.name }
  public var requiredMetrics: [String] { info.requiredMetrics }
  public var outputMayBeNaN: Bool { info.outputMayBeNaN }
  public let path: String
  public let configJSON: String
  public let limits: WorkerLimits
  public let workerExecutable: String
  private let memory: SharedBatchWriter
  private var worker: PluginWorkerClient?

  /// Starts a worker for component `name` of the plugin at `path` and creates the instance
  /// there; fails as creating the component in-process would (with the plugin's own message),
  /// or with how the worker failed.
  public init(
    path: String, name: String, configJSON: String, limits: WorkerLimits = WorkerLimits(),
    workerExecutable: String = PluginWorkerClient.defaultWorker
  ) throws {
    self.path = path
    self.configJSON = configJSON
    self.limits = limits
    self.workerExecutable = workerExecutable
    memory = try SharedBatchWriter()
    let worker = try PluginWorkerClient(
      path: path, limits: limits, label: name, workerExecutable: workerExecutable,
      batchMemory: memory.descriptor)
    info = try worker.describe().component(named: name)
    try worker.create(component: name, configJSON: configJSON)
    self.worker = worker
  }

  /// The current worker's pid (nil between a failure and the next batch), for diagnostics.
  public var workerProcessID: pid_t? { worker?.processID }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    let worker = try currentWorker()
    let header = try batch.withRawBatch(metrics: requiredMetrics.map { metrics[$0]! }) {
      try memory.write($0)
    }
    let result: (count: Int, rewards: [Double])
    do {
      result = try worker.compute(header)
    } catch let failure as WorkerFailure {
      self.worker = nil
      throw PluginError.computeFailed(component: name, message: "\(failure)")
    } catch let error as PluginError {
      // A plugin that ran out of memory may hold on to it: start afresh.
      if case .memoryLimit = error { stopWorker() }
      throw error
    }
    try info.validate(result.rewards, count: result.count, expected: batch.count)
    return result.rewards
  }

  /// The running worker, or a new one with the instance created again.
  private func currentWorker() throws -> PluginWorkerClient {
    if let worker, !worker.isStopped { return worker }
    let worker = try PluginWorkerClient(
      path: path, limits: limits, label: name, workerExecutable: workerExecutable,
      batchMemory: memory.descriptor)
    do {
      try worker.create(component: name, configJSON: configJSON)
    } catch let PluginError.createFailed(_, message) {
      throw PluginError.computeFailed(
        component: name, message: "its replacement worker could not create it: \(message)")
    }
    self.worker = worker
    return worker
  }

  private func stopWorker() {
    worker?.stop()
    worker = nil
  }
}
