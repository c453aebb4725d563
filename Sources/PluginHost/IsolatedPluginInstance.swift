import Foundation
import RewardPipeline

/// One instance of a plugin's component or provider created in its own worker process
/// (`crystalrl-plugin-worker`), so a plugin that crashes, hangs, exits, prints or leaks costs
/// one failed batch, with a clear error, instead of the whole run. Nothing of the plugin runs in
/// the host: the worker loads it and describes it (`info` comes from the worker). The batch goes
/// to the worker through shared memory (see `WorkerProtocol`). After any worker failure the
/// worker is replaced (and the instance created again) before the next batch. `plugin check`
/// (PluginTooling) drives one directly for what only it asks: two instances at once, repeated
/// creates, and how the worker failed.
package final class IsolatedPluginInstance: PluginRunner {
  package let info: any PluginComputationInfo
  let path: String
  let configJSON: String
  let limits: WorkerLimits
  let workerExecutable: String
  private let memory: SharedBatchWriter
  private var worker: PluginWorkerClient?
  /// How the worker failed in the last call, nil when it did not (for `plugin check`).
  package private(set) var lastWorkerFailure: WorkerFailure?

  /// Starts a worker for `subject` of the plugin at `path` and creates the instance there;
  /// fails as creating it in-process would (with the plugin's own message), or with how the
  /// worker failed.
  package init(
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

  package func run(_ batch: StructureBatch, metrics: [MetricColumn]) throws -> [Double] {
    let result = try exchange(batch, metrics) { try $0.compute($1, width: info.width) }
    try info.validate(result.values, count: result.count, structures: batch.count)
    return result.values
  }

  /// Computes `batch` with this instance and a second one created like it, at the same time on
  /// two threads of the worker (the ABI allows separate instances to compute concurrently);
  /// both results validated.
  package func runTwice(_ batch: StructureBatch, metrics: [MetricColumn]) throws -> (
    [Double], [Double]
  ) {
    let results = try exchange(batch, metrics) { try $0.computeTwice($1, width: info.width) }
    for result in [results.first, results.second] {
      try info.validate(result.values, count: result.count, structures: batch.count)
    }
    return (results.first.values, results.second.values)
  }

  /// Creates the instance `times` more times in the worker, each create destroying the
  /// previous instance; returns the worker's resident memory (KiB) before and after.
  package func recreate(times: Int) throws -> (before: Int, after: Int) {
    let worker = try currentWorker()
    let before = try residentKiB(of: worker.processID)
    for _ in 0..<times { try worker.create(info.subject, configJSON: configJSON) }
    return (before, try residentKiB(of: worker.processID))
  }

  /// Writes the batch to the shared memory and runs `request` on the current worker; a worker
  /// failure is recorded, stops the worker and is thrown as the instance's error.
  private func exchange<R>(
    _ batch: StructureBatch, _ metrics: [MetricColumn],
    _ request: (PluginWorkerClient, WorkerRequest.ComputeHeader) throws -> R
  ) throws -> R {
    lastWorkerFailure = nil
    let worker = try currentWorker()
    let header = try batch.withRawBatch(metrics: metrics) { try memory.write($0) }
    do {
      return try request(worker, header)
    } catch let failure as WorkerFailure {
      self.worker = nil
      lastWorkerFailure = failure
      throw PluginError.computeFailed(subject: info.subject, message: "\(failure)")
    } catch let error as PluginError {
      // A plugin that ran out of memory may hold on to it: start afresh.
      if case .memoryLimit = error { stopWorker() }
      throw error
    }
  }

  /// VmRSS of process `pid`, from /proc.
  private func residentKiB(of pid: pid_t) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
      let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { throw PluginError.workerFailed(path: path, message: "no VmRSS for pid \(pid)") }
    return kib
  }

  /// The running worker, or a new one with the instance created again.
  private func currentWorker() throws -> PluginWorkerClient {
    if let worker, !worker.isStopped { return worker }
    WorkerRestarts.record()
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
