import Foundation
import LocalCache
import Parallelism
import WorkerProcess

/// Locates and starts the CHGNet worker: scripts/chgnet_worker.py run by the CHGNet Python
/// environment that `scripts/python-env.sh chgnet` creates.
public enum ChgnetCalculator {
  /// The interpreter: `CRYSTALRL_CHGNET_PYTHON`, else the cached CHGNet environment.
  public static var python: String { PythonEnvironment.chgnet.interpreter() }

  /// The worker script: `CRYSTALRL_SCRIPTS_DIR`, ./scripts, or the source tree of the running
  /// executable (.build/<configuration>/ → ../../scripts).
  public static var script: String? {
    let executableTree = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("../../scripts").standardized.path
    let directories = [
      ProcessInfo.processInfo.environment["CRYSTALRL_SCRIPTS_DIR"],
      FileManager.default.currentDirectoryPath + "/scripts", executableTree,
    ].compactMap { $0 }
    return directories.map { $0 + "/chgnet_worker.py" }.first {
      FileManager.default.fileExists(atPath: $0)
    }
  }

  /// Starts a CHGNet worker; errors say how to install what is missing.
  public static func start() throws -> WorkerCalculator {
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw CalculatorError(
        "chgnet: no Python environment at \(python); create it with "
          + "`scripts/python-env.sh chgnet` or set CRYSTALRL_CHGNET_PYTHON")
    }
    guard let script else {
      throw CalculatorError("chgnet: scripts/chgnet_worker.py not found; set CRYSTALRL_SCRIPTS_DIR")
    }
    return try WorkerCalculator(
      identifier: "chgnet", worker: LineWorker(executable: python, arguments: [script]))
  }

  /// `workers` CHGNet workers (started at the same time) sharing every batch; one worker is
  /// `start()`'s calculator itself.
  public static func start(workers: Int) throws -> EnergyCalculator {
    precondition(workers > 0, "at least one CHGNet worker")
    guard workers > 1 else { return try start() }
    // A thread per worker: each waits for its worker's greeting.
    let started = try Parallel.map(workers, threads: workers) { _ in try start() }
    return try ParallelEnergyCalculator(started)
  }
}
