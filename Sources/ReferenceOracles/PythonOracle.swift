import Foundation
import LocalCache

/// Runs Python reference code (pymatgen, amd, numpy) from the test-oracle virtual environment.
///
/// `make test` creates the environment with scripts/python-env.sh and passes its interpreter in
/// `CRYSTALRL_PYTHON`; when that is unset the default location of scripts/python-env.sh is used.
/// A missing environment is a test failure, never a skip.
public enum PythonOracle {
  /// Path of the oracle interpreter.
  public static var interpreter: String { PythonEnvironment.oracle.interpreter() }

  /// The interpreter of the CHGNet environment, which also has PyTorch (for parity tests):
  /// `CRYSTALRL_CHGNET_PYTHON`, else the default location of `scripts/python-env.sh chgnet`.
  public static var torchInterpreter: String { PythonEnvironment.chgnet.interpreter() }

  /// Runs `script` with `arguments`, feeding `input` on standard input; returns standard output.
  /// Throws with the script's standard error when it exits non-zero.
  @discardableResult
  public static func run(
    _ script: String, arguments: [String] = [], input: String = "",
    interpreter: String = interpreter
  ) throws -> String {
    guard FileManager.default.isExecutableFile(atPath: interpreter) else {
      throw SupportError(
        description:
          "Python oracle not found at \(interpreter); run `make test` (it creates the environment "
          + "with scripts/python-env.sh) or set CRYSTALRL_PYTHON")
    }
    // Standard input and error go through temporary files so only standard output is a pipe,
    // read to its end here: large outputs cannot deadlock.
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("crystalrl-oracle-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let inputURL = scratch.appendingPathComponent("stdin")
    let errorURL = scratch.appendingPathComponent("stderr")
    try Data(input.utf8).write(to: inputURL)
    try Data().write(to: errorURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: interpreter)
    process.arguments = ["-c", script] + arguments
    let stdout = Pipe()
    process.standardInput = try FileHandle(forReadingFrom: inputURL)
    process.standardOutput = stdout
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errors = (try? Data(contentsOf: errorURL)) ?? Data()
    guard process.terminationStatus == 0 else {
      throw SupportError(
        description: "python exited \(process.terminationStatus): "
          + String(decoding: errors, as: UTF8.self))
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Runs `script` and decodes its standard output as JSON.
  public static func json<T: Decodable>(
    _ type: T.Type, _ script: String, arguments: [String] = [], input: String = "",
    interpreter: String = interpreter
  ) throws -> T {
    let text = try run(script, arguments: arguments, input: input, interpreter: interpreter)
    return try JSONDecoder().decode(T.self, from: Data(text.utf8))
  }
}
