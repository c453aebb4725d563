import Foundation
import Parallelism
import WorkerProcess

/// The worker side of `WorkerProtocol`: loads one plugin file in this process (never in the
/// host) and serves describe, create, compute and compute-twice requests until the request
/// channel closes. It creates one instance, of a reward component or a metric provider.
public enum PluginWorkerServer {
  static let requestDescriptor: Int32 = 3
  static let replyDescriptor: Int32 = 4
  static let batchDescriptor: Int32 = 5

  /// Runs the worker. Arguments: PLUGIN_PATH HOST_PID MEMORY_LIMIT_MB (0: none). Exits when
  /// the host is gone: at once if it is no longer the parent, by signal when it dies later.
  public static func run(arguments: [String]) -> Int32 {
    guard arguments.count == 3, let host = Int32(arguments[1]), let limit = Int(arguments[2])
    else {
      FileHandle.standardError.write(
        Data("usage: crystalrl-plugin-worker PLUGIN_PATH HOST_PID MEMORY_LIMIT_MB\n".utf8))
      return 2
    }
    guard WorkerLifetime.bind(toHost: host) else { return 3 }
    // Helpers the plugin starts (system(), fork+exec) must not hold the protocol channels.
    for descriptor in [requestDescriptor, replyDescriptor, batchDescriptor] {
      _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }
    StandardOutputGuard.isEnabled = false
    BatchWriteDetector.install()
    let server = Server(path: arguments[0], limitMB: limit > 0 ? limit : nil)
    server.setupError = server.limitMB.flatMap(applyMemoryLimit)
    var frames = FrameBuffer()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      do {
        while let frame = try frames.next() {
          let reply = server.handle(try WorkerRequest(kind: frame.kind, payload: frame.payload))
          fflush(nil)  // C stdio's buffers, stdout's among them
          guard sendAll(reply.frame(), to: replyDescriptor) else { return 0 }
        }
      } catch {
        FileHandle.standardError.write(
          Data("crystalrl-plugin-worker: bad request: \(error)\n".utf8))
        return 4
      }
      let count = read(requestDescriptor, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return 0 }
      frames.append(buffer[0..<count])
    }
  }

  /// Sets RLIMIT_DATA to `megabytes`; an error when the worker already uses more.
  private static func applyMemoryLimit(_ megabytes: Int) -> PluginError? {
    let bytes = megabytes << 20
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmData:") }
    let usedKB = line.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    if usedKB * 1024 >= bytes {
      return PluginError.workerFailed(
        path: "(worker)",
        message: "memory_limit_mb \(megabytes) is below what the worker itself already uses "
          + "(\(usedKB / 1024 + 1) MB of data); raise it")
    }
    var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
    guard setrlimit(__rlimit_resource_t(RLIMIT_DATA.rawValue), &limit) == 0 else {
      return PluginError.workerFailed(
        path: "(worker)", message: "setrlimit failed: \(String(cString: strerror(errno)))")
    }
    return nil
  }

  /// The worker's state: the library, once loaded, and the instance, once created.
  private final class Server {
    let path: String
    let limitMB: Int?
    var setupError: PluginError?
    var library: PluginLibrary?
    var instance: PluginInstance?
    /// The configuration `instance` was created with (a second one is made like it).
    var configJSON = "{}"
    lazy var batch = SharedBatchReader(descriptor: PluginWorkerServer.batchDescriptor)

    init(path: String, limitMB: Int?) {
      self.path = path
      self.limitMB = limitMB
    }

    func handle(_ request: WorkerRequest) -> WorkerReply {
      do {
        if let setupError { throw setupError }
        switch request {
        case .describe:
          return .description(try load().info)
        case .create(let subject, let configJSON):
          instance = try PluginInstance(
            library: try load(), subject: subject, configJSON: configJSON)
          self.configJSON = configJSON
          return .created
        case .compute(let header):
          guard let instance else {
            return .failure(
              .computeFailed(subject: .component("?"), message: "compute before create"))
          }
          let result = try batch.withBatch(header) { try instance.compute($0) }
          return .rewards(count: result.count, values: result.values)
        case .computeTwice(let header):
          guard let instance else {
            return .failure(
              .computeFailed(subject: .component("?"), message: "compute before create"))
          }
          let second = try PluginInstance(
            library: try load(), subject: instance.info.subject, configJSON: configJSON)
          let results = try batch.withBatch(header) { raw in
            // Safe: a read-only batch outliving the joined computes, one thread per instance.
            nonisolated(unsafe) let (raw, instances) = (raw, [instance, second])
            return try Parallel.map(2, threads: 2) { try instances[$0].compute(raw) }
          }
          return .rewardPair(
            first: (results[0].count, results[0].values),
            second: (results[1].count, results[1].values))
        }
      } catch let error as PluginError {
        return .failure(underLimit(error))
      } catch {
        return .failure(
          .computeFailed(subject: instance?.info.subject ?? .component("?"), message: "\(error)"))
      }
    }

    private func load() throws -> PluginLibrary {
      if let library { return library }
      // The host prefixes every line of this process's output with the component's name.
      let loaded = try PluginLibrary(path: path, log: HostServices.standardError(prefix: ""))
      library = loaded
      return loaded
    }

    /// A plugin reporting CRL_OUT_OF_MEMORY under a memory limit hit that limit.
    private func underLimit(_ error: PluginError) -> PluginError {
      guard let limitMB else { return error }
      switch error {
      case .createFailed(let subject, let message) where message.hasPrefix("CRL_OUT_OF_MEMORY"),
        .computeFailed(let subject, let message) where message.hasPrefix("CRL_OUT_OF_MEMORY"):
        return .memoryLimit(subject: subject, limitMB: limitMB, message: message)
      default:
        return error
      }
    }
  }
}
