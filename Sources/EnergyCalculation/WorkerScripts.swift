import Foundation
import Parallelism
import WorkerProcess

/// Where the energy workers' Python scripts are (scripts/chgnet_worker.py, scripts/ase_worker.py
/// and the protocol module they share): `CRYSTALRL_SCRIPTS_DIR`, ./scripts, or the source tree
/// of the running executable (.build/<configuration>/ → ../../scripts).
public enum WorkerScripts {
  /// The path of the script `name`, or nil when no candidate directory holds it.
  public static func locate(_ name: String) -> String? {
    let executableTree = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("../../scripts").standardized.path
    let directories = [
      ProcessInfo.processInfo.environment["CRYSTALRL_SCRIPTS_DIR"],
      FileManager.default.currentDirectoryPath + "/scripts", executableTree,
    ].compactMap { $0 }
    return directories.map { $0 + "/" + name }.first {
      FileManager.default.fileExists(atPath: $0)
    }
  }

  /// A worker calculator running `script` with `python`: the interpreter must exist and the
  /// script be found, else an error naming `identifier` and the `remedy` for the interpreter.
  static func start(
    identifier: String, python: String, remedy: String, script name: String,
    arguments: [String] = []
  ) throws -> WorkerCalculator {
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw CalculatorError("\(identifier): no Python interpreter at \(python); \(remedy)")
    }
    guard let script = locate(name) else {
      throw CalculatorError("\(identifier): scripts/\(name) not found; set CRYSTALRL_SCRIPTS_DIR")
    }
    return try WorkerCalculator(
      identifier: identifier,
      worker: LineWorker(executable: python, arguments: [script] + arguments))
  }
}

extension ParallelEnergyCalculator {
  /// `workers` calculators made by `start`, started at the same time (a thread each waits for
  /// its worker's greeting), sharing every batch; one worker is `start()`'s calculator itself.
  public static func starting(
    _ workers: Int, _ start: @Sendable () throws -> EnergyCalculator
  ) throws -> EnergyCalculator {
    precondition(workers > 0, "at least one worker")
    guard workers > 1 else { return try start() }
    return try ParallelEnergyCalculator(
      Parallel.map(workers, threads: workers) { _ in try start() })
  }
}
