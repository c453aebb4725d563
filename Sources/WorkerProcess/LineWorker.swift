import Foundation

/// A long-lived child process spoken to in lines: one request line in, one response line out.
/// The first line the process prints is its greeting. A process that dies is restarted on the
/// next request; one that exceeds its timeout is killed (and restarted on the next request).
public final class LineWorker {
  /// How a worker request failed.
  public enum Failure: Error, CustomStringConvertible {
    case cannotStart(String)
    case exited(status: Int32, stderr: String)
    case timedOut(seconds: Double)

    public var description: String {
      switch self {
      case .cannotStart(let message): return "worker could not start: \(message)"
      case .exited(let status, let stderr):
        return "worker exited with status \(status)"
          + (stderr.isEmpty ? "" : "; its last error output:\n\(stderr)")
      case .timedOut(let seconds):
        return "worker gave no answer within \(seconds) s and was stopped"
      }
    }
  }

  public let executable: String
  public let arguments: [String]
  public let environment: [String: String]?
  /// The greeting line of the current process.
  public private(set) var greeting: String?

  private var process: Process?
  private var input: FileHandle?
  private let lock = NSLock()
  private var lines: [String] = []
  private var pending = Data()
  private var errorTail = Data()
  private var exited = false
  private let signal = DispatchSemaphore(value: 0)

  public init(executable: String, arguments: [String], environment: [String: String]? = nil) {
    self.executable = executable
    self.arguments = arguments
    self.environment = environment
  }

  deinit { stop() }

  /// Starts the process if it is not running and waits for its greeting.
  @discardableResult
  public func start(timeout: Double) throws -> String {
    if let process, process.isRunning, let greeting { return greeting }
    stop()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    lock.withLock {
      lines = []
      pending = Data()
      errorTail = Data()
      exited = false
    }
    stdout.fileHandleForReading.readabilityHandler = { [weak self] handle in
      self?.receive(handle.availableData)
    }
    stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let data = handle.availableData
      self?.lock.withLock {
        self?.errorTail.append(data)
        if let tail = self?.errorTail, tail.count > 4096 { self?.errorTail = tail.suffix(4096) }
      }
    }
    process.terminationHandler = { [weak self] _ in
      guard let self else { return }
      self.lock.withLock { self.exited = true }
      self.signal.signal()
    }
    do { try process.run() } catch { throw Failure.cannotStart("\(executable): \(error)") }
    self.process = process
    input = stdin.fileHandleForWriting
    let line = try nextLine(timeout: timeout)
    greeting = line
    return line
  }

  /// Sends one request line and returns the response line.
  public func request(_ line: String, timeout: Double, startTimeout: Double) throws -> String {
    try start(timeout: startTimeout)
    do {
      try input?.write(contentsOf: Data((line + "\n").utf8))
    } catch {
      stop()
      throw Failure.exited(status: -1, stderr: "writing the request failed: \(error)")
    }
    return try nextLine(timeout: timeout)
  }

  /// Stops the process (if any).
  public func stop() {
    guard let process else { return }
    process.standardOutput.flatMap { ($0 as? Pipe)?.fileHandleForReading.readabilityHandler = nil }
    process.standardError.flatMap { ($0 as? Pipe)?.fileHandleForReading.readabilityHandler = nil }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    try? input?.close()
    self.process = nil
    input = nil
    greeting = nil
  }

  private func receive(_ data: Data) {
    guard !data.isEmpty else { return }
    var complete: [String] = []
    lock.withLock {
      pending.append(data)
      while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        complete.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
        pending = Data(pending[pending.index(after: newline)...])
      }
      lines += complete
    }
    for _ in complete { signal.signal() }
  }

  private func nextLine(timeout: Double) throws -> String {
    while true {
      let state: (line: String?, exited: Bool) = lock.withLock {
        (lines.isEmpty ? nil : lines.removeFirst(), exited)
      }
      if let line = state.line { return line }
      if state.exited {
        let status = process?.terminationStatus ?? -1
        let stderr = lock.withLock { String(decoding: errorTail, as: UTF8.self) }
        stop()
        throw Failure.exited(status: status, stderr: stderr)
      }
      if signal.wait(timeout: .now() + timeout) == .timedOut {
        stop()
        throw Failure.timedOut(seconds: timeout)
      }
    }
  }
}
