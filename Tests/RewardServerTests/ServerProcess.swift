import Foundation
import Synchronization
import TestSupport
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A `crystalrl-serve` the test started on loopback with `--port 0`: its address, read from its
/// `listening on` line, and HTTP calls to it. It is ready once `/readyz` answers 200; it is
/// killed when the object goes away, so nothing a test starts outlives it.
final class ServerProcess: @unchecked Sendable {
  // Unchecked: after init only `process` (safe to signal and query from any thread) and
  // `session` (a URLSession, thread-safe) are used.
  static let executable = SharedData.packageRoot.appendingPathComponent(
    ".build/debug/crystalrl-serve")

  let process = Process()
  let url: URL
  private let errorFile: URL
  private let session: URLSession

  /// Starts the server with `arguments` (overrides and options) and waits until it listens,
  /// and unless told not to, until it is ready.
  init(
    _ arguments: [String], environment: [String: String] = [:], timeout: Double = 120,
    waitUntilReady: Bool = true
  ) throws {
    process.executableURL = Self.executable
    process.arguments = ["--port", "0"] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    errorFile = try SharedData.temporaryDirectory().appendingPathComponent("server.err")
    try Data().write(to: errorFile)
    process.standardError = try FileHandle(forWritingTo: errorFile)
    let output = Pipe()
    process.standardOutput = output
    let lines = Mutex("")
    output.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      lines.withLock { $0 += String(decoding: data, as: UTF8.self) }
    }
    session = URLSession(configuration: .ephemeral)
    try process.run()
    let start = Date()
    var address: String?
    while address == nil {
      guard process.isRunning, Date().timeIntervalSince(start) < timeout else {
        process.terminate()
        throw SupportError(description: "the server did not start: \(Self.read(errorFile))")
      }
      address = lines.withLock { text in
        text.split(separator: "\n").first { $0.hasPrefix("listening on ") }
          .map { String($0.dropFirst("listening on ".count)) }
      }
      if address == nil { Thread.sleep(forTimeInterval: 0.05) }
    }
    url = URL(string: address!)!
    while waitUntilReady, (try? get("/readyz").status) != 200 {
      guard process.isRunning, Date().timeIntervalSince(start) < timeout else {
        throw SupportError(description: "the server never became ready: \(errors)")
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
  }

  /// What the server wrote to standard error so far.
  var errors: String { Self.read(errorFile) }

  private static func read(_ file: URL) -> String {
    (try? String(contentsOf: file, encoding: .utf8)) ?? ""
  }

  /// A reply: status, body and headers.
  struct Reply {
    let status: Int
    let body: Data
    let headers: [String: String]

    /// The body as a JSON object.
    var json: [String: Any] {
      (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }
  }

  func get(_ path: String, headers: [String: String] = [:]) throws -> Reply {
    try send("GET", path, body: nil, headers: headers)
  }

  func post(_ path: String, _ body: Data, headers: [String: String] = [:]) throws -> Reply {
    try send("POST", path, body: body, headers: headers)
  }

  /// Scores `structures` (as JSON objects) and returns the reply.
  func score(_ structures: [[String: Any]], extra: [String: Any] = [:]) throws -> Reply {
    let body = try JSONSerialization.data(
      withJSONObject: extra.merging(["structures": structures]) { $1 })
    return try post("/v1/score", body)
  }

  private func send(_ method: String, _ path: String, body: Data?, headers: [String: String])
    throws -> Reply
  {
    var request = URLRequest(url: url.appendingPathComponent(path))
    request.httpMethod = method
    request.httpBody = body
    request.timeoutInterval = 120
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<Result<Reply, Error>?>(nil)
    session.dataTask(with: request) { data, response, error in
      result.withLock {
        if let error {
          $0 = .failure(error)
        } else {
          let http = response as! HTTPURLResponse
          var fields: [String: String] = [:]
          for (key, value) in http.allHeaderFields {
            fields["\(key)".lowercased()] = "\(value)"
          }
          $0 = .success(Reply(status: http.statusCode, body: data ?? Data(), headers: fields))
        }
      }
      done.signal()
    }.resume()
    done.wait()
    return try result.withLock { $0! }.get()
  }

  /// Sends `signal` and waits (at most `timeout` seconds) for the server to exit; returns its
  /// status, or nil when it had to be killed.
  func stop(_ signal: Int32 = SIGTERM, timeout: Double = 60) -> Int32? {
    kill(process.processIdentifier, signal)
    let start = Date()
    while process.isRunning && Date().timeIntervalSince(start) < timeout {
      Thread.sleep(forTimeInterval: 0.05)
    }
    guard !process.isRunning else {
      kill(process.processIdentifier, SIGKILL)
      return nil
    }
    return process.terminationStatus
  }
}
