import Foundation
import Synchronization

/// A long-lived child process spoken to in lines: one request line in, one response line out.
/// The first line the process prints is its greeting. A process that dies is restarted on the
/// next request; one that exceeds its timeout is killed (and restarted on the next request).
///
/// The process runs as a `ChildProcess`: in its own process group, killed when this process
/// dies, its whole group killed on timeout or stop, and reaped by pid (a helper that inherited
/// its pipes cannot make a timeout wait).
public final class LineWorker: Sendable {
  /// How a worker request failed.
  public enum Failure: Error, CustomStringConvertible {
    case cannotStart(String)
    case exited(Termination, stderr: String)
    case timedOut(seconds: Double)
    case closedOutput(stderr: String)

    public var description: String {
      switch self {
      case .cannotStart(let message): return "worker could not start: \(message)"
      case .exited(let termination, let stderr):
        return "worker \(termination)" + Failure.tail(stderr)
      case .timedOut(let seconds):
        return "worker gave no answer within \(seconds) s and was stopped"
      case .closedOutput(let stderr):
        return "worker closed its standard output and was stopped" + Failure.tail(stderr)
      }
    }

    private static func tail(_ stderr: String) -> String {
      stderr.isEmpty ? "" : "; its last error output:\n\(stderr)"
    }
  }

  public let executable: String
  public let arguments: [String]
  public let environment: [String: String]?
  /// The process and its pipes; one request at a time uses them.
  private let connection: Mutex<Connection>

  public init(executable: String, arguments: [String], environment: [String: String]? = nil) {
    self.executable = executable
    self.arguments = arguments
    self.environment = environment
    connection = Mutex(
      Connection(executable: executable, arguments: arguments, environment: environment))
  }

  deinit { stop() }

  /// The greeting line of the current process.
  public var greeting: String? { connection.withLock { $0.greeting } }

  /// Starts the process if it is not running and waits for its greeting.
  @discardableResult
  public func start(timeout: Double) throws -> String {
    try connection.withLock { try $0.start(timeout: timeout) }
  }

  /// Sends one request line and returns the response line.
  public func request(_ line: String, timeout: Double, startTimeout: Double) throws -> String {
    try connection.withLock { try $0.request(line, timeout: timeout, startTimeout: startTimeout) }
  }

  /// Stops the process (if any) and every helper in its process group.
  public func stop() { connection.withLock { $0.stop() } }
}

/// A `LineWorker`'s process and pipes, used under its lock only.
private final class Connection {
  typealias Failure = LineWorker.Failure
  let executable: String
  let arguments: [String]
  let environment: [String: String]?
  /// The greeting line of the current process.
  private(set) var greeting: String?

  private var process: ChildProcess?
  private var input: Int32 = -1
  private var output: Int32 = -1
  private var pending: [UInt8] = []
  private var errorOutput: OutputCollector?

  init(executable: String, arguments: [String], environment: [String: String]?) {
    self.executable = executable
    self.arguments = arguments
    self.environment = environment
  }

  @discardableResult
  func start(timeout: Double) throws -> String {
    if let process, process.poll() == nil, let greeting { return greeting }
    stop()
    let stdin = try Descriptors.pipe()
    let stdout = try Descriptors.pipe()
    let stderr = try Descriptors.pipe()
    defer { [stdin.read, stdout.write, stderr.write].forEach { _ = close($0) } }
    do {
      process = try ChildProcess(
        executable: executable, arguments: arguments, environment: environment,
        descriptors: [stdin.read, stdout.write, stderr.write])
    } catch {
      [stdin.write, stdout.read, stderr.read].forEach { _ = close($0) }
      throw Failure.cannotStart("\(error)")
    }
    input = stdin.write
    output = stdout.read
    pending = []
    errorOutput = OutputCollector(stderr.read, forwardingPrefix: nil)
    let line = try nextLine(timeout: timeout)
    greeting = line
    return line
  }

  func request(_ line: String, timeout: Double, startTimeout: Double) throws -> String {
    try start(timeout: startTimeout)
    let bytes = Array((line + "\n").utf8)
    var sent = 0
    while sent < bytes.count {
      let count = bytes[sent...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        let reason = String(cString: strerror(errno))
        let termination = process?.stop(grace: 1)
        stop()
        throw termination.map { Failure.exited($0, stderr: errorText) }
          ?? Failure.cannotStart("writing the request failed: \(reason)")
      }
      sent += count
    }
    return try nextLine(timeout: timeout)
  }

  func stop() {
    process?.kill()
    process = nil
    if input >= 0 { close(input) }
    if output >= 0 { close(output) }
    input = -1
    output = -1
    greeting = nil
  }

  private var errorText: String { errorOutput?.tail ?? "" }

  private func nextLine(timeout: Double) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        defer { pending.removeSubrange(...newline) }
        return String(decoding: pending[..<newline], as: UTF8.self)
      }
      guard let process else { throw Failure.cannotStart("no process") }
      switch process.waitReadable(output, until: deadline) {
      case .readable:
        let count = read(output, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        if count > 0 {
          pending += buffer[0..<count]
          continue
        }
        let termination = process.stop(grace: 1)
        stop()
        throw termination == .signaled(SIGKILL)
          ? Failure.closedOutput(stderr: errorText)
          : Failure.exited(termination, stderr: errorText)
      case .exited(let termination):
        stop()
        throw Failure.exited(termination, stderr: errorText)
      case .timedOut:
        stop()
        throw Failure.timedOut(seconds: timeout)
      }
    }
  }
}
