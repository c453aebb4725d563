import Foundation

/// A finished run of a program a test started: how it ended and what it printed. Standard
/// output is read from a pipe to its end and standard error goes through a temporary file, so
/// neither can fill up and block the program.
///
/// ```swift
/// let run = try ProgramRun(ProgramRun.crystalrl, ["plugin", "inspect", "AtomicDensity"])
/// XCTAssertEqual(run.status, 0, run.errors)
/// ```
public struct ProgramRun {
  public let status: Int32
  /// Whether a signal ended the program (then `status` is the signal number).
  public let signaled: Bool
  public let output: String
  public let errors: String

  /// The command line of this package's debug build.
  public static let crystalrl = SharedData.packageRoot.appendingPathComponent(
    ".build/debug/crystalrl"
  ).path

  /// Runs `executable` (a path, or a name looked up on PATH) with `arguments` and extra
  /// `environment` variables, in `directory` when given, and waits for it.
  public init(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    in directory: URL? = nil
  ) throws {
    let process = Process()
    if executable.contains("/") {
      process.executableURL = URL(fileURLWithPath: executable)
      process.arguments = arguments
    } else {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [executable] + arguments
    }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let directory { process.currentDirectoryURL = directory }
    let scratch = try SharedData.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let errorFile = scratch.appendingPathComponent("stderr")
    try Data().write(to: errorFile)
    let output = Pipe()
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorFile)
    try process.run()
    let text = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    status = process.terminationStatus
    signaled = process.terminationReason == .uncaughtSignal
    self.output = String(decoding: text, as: UTF8.self)
    errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
  }

  /// Throws, with the program's error output, unless it exited with status 0.
  public func requireSuccess(_ what: String) throws {
    guard status == 0, !signaled else {
      throw SupportError(description: "\(what) failed (status \(status)): \(errors)")
    }
  }
}
