import LocalCache

/// Locates and starts the CHGNet worker: scripts/chgnet_worker.py run by the CHGNet Python
/// environment that `scripts/python-env.sh chgnet` creates.
public enum ChgnetCalculator {
  /// The interpreter: `CRYSTALRL_CHGNET_PYTHON`, else the cached CHGNet environment.
  public static var python: String { PythonEnvironment.chgnet.interpreter() }

  /// Starts a CHGNet worker; errors say how to install what is missing.
  public static func start() throws -> WorkerCalculator {
    try WorkerScripts.start(
      identifier: "chgnet", python: python,
      remedy: "create it with `scripts/python-env.sh chgnet` or set CRYSTALRL_CHGNET_PYTHON",
      script: "chgnet_worker.py")
  }

  /// `workers` CHGNet workers (started at the same time) sharing every batch; one worker is
  /// `start()`'s calculator itself.
  public static func start(workers: Int) throws -> EnergyCalculator {
    try ParallelEnergyCalculator.starting(workers) { try start() }
  }
}
