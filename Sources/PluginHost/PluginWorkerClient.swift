import Foundation
import WorkerProcess

/// Resource limits of an isolated plugin's worker process.
public struct WorkerLimits: Equatable, Sendable {
  /// Seconds each request (describe, create, compute) may take; the worker is killed after.
  public var timeout: Double
  /// The worker's data-segment limit (RLIMIT_DATA: heap and private anonymous memory), in
  /// MiB, set before the plugin is loaded; nil for none.
  public var memoryLimitMB: Int?

  public init(timeout: Double = 60, memoryLimitMB: Int? = nil) {
    self.timeout = timeout
    self.memoryLimitMB = memoryLimitMB
  }
}

/// One `crystalrl-plugin-worker` process serving one plugin file over `WorkerProtocol`. The
/// worker is a `ChildProcess` (own process group, dies with the host, group killed on stop);
/// its stdout and stderr are printed on the host's stderr as "[plugin LABEL] line". Any
/// transport failure (crash, timeout, malformed reply) stops the worker for good: the caller
/// starts a new client.
public final class PluginWorkerClient {
  public let path: String
  public let limits: WorkerLimits
  private let process: ChildProcess
  private let requests: Int32
  private let replies: Int32
  private let output: OutputCollector
  private var frames = FrameBuffer()
  public private(set) var isStopped = false

  /// The worker's pid, for diagnostics.
  public var processID: pid_t { process.pid }

  /// Starts a worker for the plugin at `path`. `label` prefixes its output lines; `batchMemory`
  /// (the memfd of a `SharedBatchWriter`) becomes its descriptor 5.
  init(
    path: String, limits: WorkerLimits, label: String, workerExecutable: String,
    batchMemory: Int32? = nil
  ) throws {
    self.path = path
    self.limits = limits
    let null = try Descriptors.devNull()
    let outputPipe = try Descriptors.pipe()
    let requestPair = try Descriptors.socketPair()
    let replyPair = try Descriptors.socketPair()
    let childEnds = [null, outputPipe.write, requestPair.1, replyPair.1]
    defer { childEnds.forEach { close($0) } }
    do {
      process = try ChildProcess(
        executable: workerExecutable,
        arguments: [path, "\(getpid())", "\(limits.memoryLimitMB ?? 0)"],
        // A crash is the plugin's: the Swift runtime's backtrace of the worker would only
        // bury the plugin's last words (and take a while).
        environment: ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) {
          _, new in new
        },
        descriptors: [null, outputPipe.write, outputPipe.write, requestPair.1, replyPair.1]
          + (batchMemory.map { [$0] } ?? []))
    } catch {
      [outputPipe.read, requestPair.0, replyPair.0].forEach { close($0) }
      throw PluginError.workerFailed(path: path, message: "\(error)")
    }
    requests = requestPair.0
    replies = replyPair.0
    output = OutputCollector(outputPipe.read, forwardingPrefix: "[plugin \(label)] ")
  }

  deinit { stop() }

  /// `crystalrl-plugin-worker` next to the running executable, or `CRYSTALRL_PLUGIN_WORKER`.
  public static var defaultWorker: String {
    if let path = ProcessInfo.processInfo.environment["CRYSTALRL_PLUGIN_WORKER"] { return path }
    return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("crystalrl-plugin-worker").path
  }

  /// Loads the plugin at `path` in a worker process (nothing of it runs here), validates its
  /// descriptors there and returns its description. The documented way to look at an untrusted
  /// file; every failure, a crash of the entry point included, is a `PluginError`.
  public static func describe(
    path: String, limits: WorkerLimits = WorkerLimits(),
    workerExecutable: String = PluginWorkerClient.defaultWorker
  ) throws -> PluginInfo {
    guard FileManager.default.fileExists(atPath: path) else {
      throw PluginError.fileNotFound(path: path, searched: [])
    }
    let label = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    let client = try PluginWorkerClient(
      path: path, limits: limits, label: label, workerExecutable: workerExecutable)
    defer { client.stop() }
    return try client.describe()
  }

  /// The plugin's description, read by the worker.
  func describe() throws -> PluginInfo {
    do {
      guard case .description(let info) = try exchange(.describe) else {
        throw stopAfterMalformed("a reply that is not a description")
      }
      return info
    } catch let failure as WorkerFailure {
      throw PluginError.workerFailed(path: path, message: "\(failure)")
    }
  }

  /// Creates the worker's instance of the component or provider `subject` names.
  func create(_ subject: PluginSubject, configJSON: String) throws {
    do {
      guard case .created = try exchange(.create(subject, configJSON: configJSON)) else {
        throw stopAfterMalformed("a reply that is not 'created'")
      }
    } catch let failure as WorkerFailure {
      throw PluginError.createFailed(subject: subject, message: "\(failure)")
    }
  }

  /// Computes the batch in the shared mapping (`width` values per structure); returns the
  /// count the plugin reported and the values, unchecked. Throws `WorkerFailure` when the
  /// worker failed (and was stopped), the plugin's own `PluginError` otherwise.
  func compute(_ header: WorkerRequest.ComputeHeader, width: Int) throws
    -> (count: Int, values: [Double])
  {
    guard case .rewards(let count, let values) = try exchange(.compute(header)) else {
      throw stopAfterMalformed("a reply that is not rewards")
    }
    guard values.count == header.structures * width else {
      throw stopAfterMalformed(
        "\(values.count) value slots for \(header.structures) structures of width \(width)")
    }
    return (count, values)
  }

  /// Computes the batch in the shared mapping with the created instance and a second one made
  /// like it, at the same time on two threads of the worker; unchecked, as `compute`.
  func computeTwice(_ header: WorkerRequest.ComputeHeader, width: Int) throws -> (
    first: (count: Int, values: [Double]), second: (count: Int, values: [Double])
  ) {
    guard case .rewardPair(let first, let second) = try exchange(.computeTwice(header)) else {
      throw stopAfterMalformed("a reply that is not a reward pair")
    }
    for result in [first, second] where result.values.count != header.structures * width {
      throw stopAfterMalformed(
        "\(result.values.count) value slots for \(header.structures) structures of width \(width)"
      )
    }
    return (first, second)
  }

  /// Stops the worker: closes its request channel, gives it 0.2 s to end, then kills its
  /// process group. Never waits on pipes.
  public func stop() {
    guard !isStopped else { return }
    isStopped = true
    close(requests)
    process.stop(grace: 0.2)
    close(replies)
  }

  /// Sends `request` and waits for its reply within the timeout. A `.failure` reply is
  /// thrown as the plugin's error.
  private func exchange(_ request: WorkerRequest) throws -> WorkerReply {
    guard !isStopped else { throw WorkerFailure.stopped }
    let deadline = Date().addingTimeInterval(limits.timeout)
    guard sendAll(request.frame(), to: requests) else { throw died() }
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let frame: (kind: UInt8, payload: ArraySlice<UInt8>)?
      do { frame = try frames.next() } catch let error as ProtocolError {
        throw stopAfterMalformed(error.description)
      }
      if let frame {
        let reply: WorkerReply
        do { reply = try WorkerReply(kind: frame.kind, payload: frame.payload) } catch {
          throw stopAfterMalformed("\(error)")
        }
        guard frames.isEmpty else { throw stopAfterMalformed("more than one reply") }
        if case .failure(let error) = reply { throw error }
        return reply
      }
      switch process.waitReadable(replies, until: deadline) {
      case .readable:
        let count = recv(replies, &buffer, buffer.count, 0)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { throw died() }
        frames.append(buffer[0..<count])
      case .exited:
        throw died()
      case .timedOut:
        stop()
        throw WorkerFailure.timedOut(seconds: limits.timeout)
      }
    }
  }

  /// The worker ended (or closed its reply channel) without a complete reply.
  private func died() -> WorkerFailure {
    let termination = process.stop(grace: 1)
    stop()
    return .died(termination, output: output.tail)
  }

  private func stopAfterMalformed(_ what: String) -> WorkerFailure {
    stop()
    return .malformedReply(what)
  }
}

/// Why a worker could not answer; it has been stopped.
package enum WorkerFailure: Error, CustomStringConvertible {
  case died(Termination, output: String)
  case timedOut(seconds: Double)
  case malformedReply(String)
  case stopped

  /// Whether the worker died of a write into the read-only batch (see `BatchWriteDetector`).
  package var wroteIntoBatch: Bool {
    guard case .died(_, let output) = self else { return false }
    return output.contains(BatchWriteDetector.message)
  }

  package var description: String {
    switch self {
    case .died(let termination, let output):
      let lines = output.split(separator: "\n").suffix(5).joined(separator: "\n")
      return "worker process \(termination)"
        + (lines.isEmpty ? "" : "; its last output:\n\(lines)")
    case .timedOut(let seconds):
      return "worker process gave no answer within \(seconds) s (timeout) and was killed"
    case .malformedReply(let what):
      return "worker process sent a malformed reply (\(what)) and was killed"
    case .stopped:
      return "worker process was stopped"
    }
  }
}
