import Foundation
import RewardPipeline

/// One instance of a plugin's component or provider created in its own worker process
/// (`crystalrl-plugin-worker`), so a plugin that crashes, hangs, exits, prints or leaks costs
/// one failed batch, with a clear error, instead of the whole run. Nothing of the plugin runs in
/// the host: the worker loads it and describes it (`info` comes from the worker). The batch goes
/// to the worker through shared memory (see `WorkerProtocol`). After any worker failure the
/// worker is replaced (and the instance created again) before the next batch.
final class IsolatedPluginInstance: PluginRunner {
  let info: any PluginComputationInfo
  let path: String
  let configJSON: String
  let limits: WorkerLimits
  let workerExecutable: String
  private let memory: SharedBatchWriter
  private var worker: PluginWorkerClient?

  /// Starts a worker for `subject` of the plugin at `path` and creates the instance there;
  /// fails as creating it in-process would (with the plugin's own message), or with how the
  /// worker failed.
  init(
    path: String, subject: PluginSubject, configJSON: String, limits: WorkerLimits,
    workerExecutable: String
  ) throws {
    self.path = path
    self.configJSON = configJSON
    self.limits = limits
    self.workerExecutable = workerExecutable
    memory = try SharedBatchWriter()
    let worker = try PluginWorkerClient(
      path: path, limits: limits, label: subject.name, workerExecutable: workerExecutable,
      batchMemory: memory.descriptor)
    info = try worker.describe().computation(subject)
    try worker.create(subject, configJSON: configJSON)
    self.worker = worker
  }

  /// The current worker's pid (nil between a failure and the next batch), for diagnostics.
  var workerProcessID: pid_t? { worker?.processID }

  func run(_ batch: StructureBatch, metrics: [MetricColumn]) throws -> [Double] {
    let worker = try currentWorker()
    let header = try batch.withRawBatch(metrics: metrics) { try memory.write($0) }
    let result: (count: Int, values: [Double])
    do {
      result = try worker.compute(header, width: info.width)
    } catch let failure as WorkerFailure {
      self.worker = nil
      throw PluginError.computeFailed(subject: info.subject, message: "\(failure)")
    } catch let error as PluginError {
      // A plugin that ran out of memory may hold on to it: start afresh.
      if case .memoryLimit = error { stopWorker() }
      throw error
    }
    try info.validate(result.values, count: result.count, structures: batch.count)
    return result.values
  }

  /// The running worker, or a new one with the instance created again.
  private func currentWorker() throws -> PluginWorkerClient {
    if let worker, !worker.isStopped { return worker }
    let worker = try PluginWorkerClient(
      path: path, limits: limits, label: info.subject.name, workerExecutable: workerExecutable,
      batchMemory: memory.descriptor)
    do {
      try worker.create(info.subject, configJSON: configJSON)
    } catch let PluginError.createFailed(subject, message) {
      throw PluginError.computeFailed(
        subject: subject, message: "its replacement worker could not create it: \(message)")
    }
    self.worker = worker
    return worker
  }

  private func stopWorker() {
    worker?.stop()
    worker = nil
  }
}
