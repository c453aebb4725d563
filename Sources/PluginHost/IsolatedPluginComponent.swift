import Foundation
import RewardPipeline
import WorkerProcess

/// A plugin component run in its own process (`crystalrl-plugin-worker`), so a plugin that
/// crashes or hangs costs one failed batch, with a clear error, instead of the whole run. The
/// worker is restarted for the next batch. Config: `isolation: process`, `timeout: SECONDS`.
///
/// Worker protocol, one line each way: the worker greets with `ready` or `error MESSAGE`;
/// a request is the base64 of `BatchCodec`'s encoding; a response is
/// `ok COUNT BASE64(Float64 rewards)` or `error MESSAGE`.
public final class IsolatedPluginComponent: RewardComponent {
  public let info: PluginComponentInfo
  public var name: String { info.name }
  public var requiredMetrics: [String] { info.requiredMetrics }
  public let timeout: Double
  private let worker: LineWorker

  /// Starts a worker for component `name` of the plugin at `path`; fails as creating the
  /// component in-process would (the worker reports the plugin's own message).
  public init(
    path: String, name: String, configJSON: String, info: PluginComponentInfo,
    timeout: Double = 60, workerExecutable: String = IsolatedPluginComponent.defaultWorker
  ) throws {
    self.info = info
    self.timeout = timeout
    worker = LineWorker(
      executable: workerExecutable, arguments: [path, name, configJSON])
    let greeting: String
    do { greeting = try worker.start(timeout: timeout) } catch {
      throw PluginError.createFailed(component: name, message: "\(error)")
    }
    if greeting.hasPrefix("error ") {
      throw PluginError.createFailed(component: name, message: String(greeting.dropFirst(6)))
    }
  }

  /// `crystalrl-plugin-worker` next to the running executable, or `CRYSTALRL_PLUGIN_WORKER`.
  public static var defaultWorker: String {
    if let path = ProcessInfo.processInfo.environment["CRYSTALRL_PLUGIN_WORKER"] { return path }
    return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("crystalrl-plugin-worker").path
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    let request = BatchCodec.encode(batch, metrics: requiredMetrics.map { metrics[$0]! })
    let line: String
    do {
      line = try worker.request(
        request.base64EncodedString(), timeout: timeout, startTimeout: timeout)
    } catch let failure as LineWorker.Failure {
      throw PluginError.computeFailed(component: name, message: "worker process: \(failure)")
    }
    let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
    if parts.first == "error" {
      throw PluginError.computeFailed(
        component: name, message: parts.dropFirst().joined(separator: " "))
    }
    guard parts.count == 3, parts[0] == "ok", let count = Int(parts[1]),
      let data = Data(base64Encoded: parts[2]), data.count == batch.count * 8
    else {
      throw PluginError.computeFailed(component: name, message: "malformed worker reply")
    }
    let rewards = (0..<batch.count).map { index in
      Double(
        bitPattern: UInt64(
          littleEndian: data.withUnsafeBytes {
            $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
          }))
    }
    try info.validate(rewards, count: count, expected: batch.count)
    return rewards
  }
}

/// The worker side: serves one plugin component over standard input and output.
public enum PluginWorkerServer {
  /// Runs the worker loop until standard input closes. Arguments: PATH NAME CONFIG_JSON.
  public static func run(arguments: [String]) -> Int32 {
    guard arguments.count == 3 else {
      print("error usage: crystalrl-plugin-worker PLUGIN_PATH COMPONENT CONFIG_JSON")
      return 2
    }
    let component: PluginComponent
    do {
      let library = try PluginLibrary(path: arguments[0])
      component = try PluginComponent(
        library: library, name: arguments[1], configJSON: arguments[2])
    } catch {
      reply("error \(error)")
      return 1
    }
    reply("ready")
    while let line = readLine() {
      do {
        guard let data = Data(base64Encoded: line) else {
          throw PluginError.computeFailed(
            component: component.name, message: "request is not base64")
        }
        let result = try component.rawCompute(try BatchCodec.decode(data))
        var bytes = Data()
        result.rewards.forEach { bytes.appendRaw($0.bitPattern.littleEndian) }
        reply("ok \(result.count) \(bytes.base64EncodedString())")
      } catch let error as PluginError {
        if case .computeFailed(_, let message) = error {
          reply("error \(message)")
        } else {
          reply("error \(error)")
        }
      } catch {
        reply("error \(error)")
      }
    }
    return 0
  }

  private static func reply(_ line: String) {
    FileHandle.standardOutput.write(
      Data((line.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
  }
}
