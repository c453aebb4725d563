import CrystalRLABI
import Foundation
import SwiftPluginKit

/// One Python process running `PythonBootstrap` for one component instance: started, and the
/// user's module and function loaded, once at create; one request per batch over its stdin and
/// stdout (its stderr is ours). Closing its stdin ends it.
final class PythonProcess: RewardInstance {
  private let process = Process()
  private let requests: FileHandle
  private let replies: Int32
  private let function: String

  /// The process a component configuration describes.
  convenience init(configJSON: String) throws {
    let config = try PythonRewardConfig(json: configJSON)
    try self.init(
      python: config.python, module: config.module, function: config.function,
      paramsJSON: config.paramsJSON)
  }

  /// Starts `python` (a path, or a name on PATH) and loads `function` from `module` (a .py
  /// file or a module name on sys.path), with `params` as keyword arguments for every call.
  init(python: String, module: String, function: String, paramsJSON: String) throws {
    self.function = function
    let input = Pipe()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, "-c", PythonBootstrap.program, module, function, paramsJSON]
    process.standardInput = input
    process.standardOutput = output
    do { try process.run() } catch {
      throw PluginFailure("cannot start Python '\(python)': \(error)")
    }
    requests = input.fileHandleForWriting
    replies = output.fileHandleForReading.fileDescriptor
    _ = try reply(doing: "loading \(module)")
  }

  deinit {
    try? requests.close()
    process.waitUntilExit()
  }

  /// The function's rewards for `batch`; its metric columns (the configured
  /// `required_metrics`) go along as keyword arguments.
  func rewards(_ batch: crl_batch) throws -> [Double] {
    let n = Int(batch.num_structures)
    let atoms = Int(batch.num_atoms)
    let metrics = try Self.metrics(of: batch)
    let header: [String: Any] = [
      "structures": n, "atoms": atoms, "metrics": metrics.map { [$0.name, $0.width] },
    ]
    var request = try JSONSerialization.data(withJSONObject: header)
    request.append(UInt8(ascii: "\n"))
    func append<T>(_ pointer: UnsafePointer<T>?, _ count: Int) {
      guard let pointer, count > 0 else { return }
      request.append(UnsafeBufferPointer(start: pointer, count: count))
    }
    append(batch.atom_offsets, n + 1)
    append(batch.atomic_numbers, atoms)
    append(batch.frac_coords, 3 * atoms)
    append(batch.lattices, 9 * n)
    for metric in metrics { append(metric.values, n * metric.width) }
    do { try requests.write(contentsOf: request) } catch {
      throw PluginFailure("the Python process is gone: \(ended())")
    }
    return try reply(doing: "calling \(function)")
  }

  /// The batch's metric columns, checked to be readable.
  private static func metrics(of batch: crl_batch) throws -> [(
    name: String, width: Int, values: UnsafePointer<Double>?
  )] {
    let count = Int(batch.num_metrics)
    guard count == 0 || batch.metrics != nil else {
      throw PluginFailure("the batch has \(count) metrics but no metric list")
    }
    return try (0..<count).map { index in
      guard let metric = batch.metrics[index]?.pointee, let name = metric.name,
        metric.width > 0, batch.num_structures == 0 || metric.values != nil
      else { throw PluginFailure("metric \(index) of the batch is incomplete") }
      return (String(cString: name), Int(metric.width), metric.values)
    }
  }

  /// Reads one reply: the rewards, or the error Python reported (its traceback).
  private func reply(doing what: String) throws -> [Double] {
    let line = try readLine(doing: what)
    let parts = line.split(separator: " ")
    guard parts.count == 2, let count = Int(parts[1]), count >= 0 else {
      throw PluginFailure("\(what): the Python process sent '\(line)'")
    }
    let bytes = try read(parts[0] == "ok" ? 8 * count : count, doing: what)
    guard parts[0] == "ok" else {
      throw PluginFailure("\(what) failed in Python:\n" + String(decoding: bytes, as: UTF8.self))
    }
    return bytes.withUnsafeBytes { raw in
      (0..<count).map {
        Double(bitPattern: UInt64(littleEndian: raw.load(fromByteOffset: 8 * $0, as: UInt64.self)))
      }
    }
  }

  private func readLine(doing what: String) throws -> String {
    var line: [UInt8] = []
    while true {
      let byte = try read(1, doing: what)[0]
      if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
      line.append(byte)
    }
  }

  private func read(_ count: Int, doing what: String) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let got = bytes.withUnsafeMutableBytes {
        Glibc.read(replies, $0.baseAddress! + done, count - done)
      }
      if got < 0 && errno == EINTR { continue }
      guard got > 0 else { throw PluginFailure("\(what): \(ended())") }
      done += got
    }
    return bytes
  }

  /// How the process ended, once it has.
  private func ended() -> String {
    process.waitUntilExit()
    return "the Python process ended (status \(process.terminationStatus)) without a reply; "
      + "its stderr is above"
  }
}
