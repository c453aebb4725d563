import LocalCache

/// Any machine-learned potential that ships an ASE calculator, run by scripts/ase_worker.py:
/// `MODULE.CALLABLE(**kwargs)` must return the calculator (`energy_calculator:
/// ase:MODULE:CALLABLE`). The worker speaks `WorkerCalculator`'s protocol, so it has the CHGNet
/// worker's lifecycle: its own process group, killed with the host, restarted when it dies,
/// timeouts, per-structure retries.
///
/// ```swift
/// let emt = try AseCalculator(module: "ase.calculators.emt", callable: "EMT").start()
/// ```
public struct AseCalculator: Equatable, Sendable {
  public var module: String
  public var callable: String
  /// The keyword arguments as a JSON object (`{"model": "medium-mpa-0"}`).
  public var kwargs: String
  /// The interpreter; nil means the CHGNet environment's (`ChgnetCalculator.python`).
  public var python: String?
  /// Seconds a network read may take while the calculator is made (a model download); a
  /// download that cannot finish is then a clear error rather than a hang.
  public var fetchTimeout: Double

  public init(
    module: String, callable: String, kwargs: String = "{}", python: String? = nil,
    fetchTimeout: Double = 120
  ) {
    self.module = module
    self.callable = callable
    self.kwargs = kwargs
    self.python = python
    self.fetchTimeout = fetchTimeout
  }

  /// The interpreter that runs the worker.
  public var interpreter: String { python ?? PythonEnvironment.chgnet.interpreter() }

  /// Starts one worker. Its identifier, the energy caches' key, names the module, callable,
  /// kwargs and the installed version of the package that provides the module (the worker
  /// reports it). Errors name the setting and say what is wrong: a module that does not import
  /// (with the interpreter), a missing callable (with what the module offers), a result that
  /// is no ASE calculator, a model that could not be fetched.
  public func start() throws -> WorkerCalculator {
    try WorkerScripts.start(
      identifier: "ase:\(module):\(callable) \(kwargs)", python: interpreter,
      remedy: "set energy_python, or create the CHGNet environment (which has ASE) with "
        + "`scripts/python-env.sh chgnet`",
      script: "ase_worker.py", arguments: [module, callable, kwargs, "\(fetchTimeout)"])
  }

  /// `workers` such workers (started at the same time) sharing every batch.
  public func start(workers: Int) throws -> EnergyCalculator {
    try ParallelEnergyCalculator.starting(workers) { try start() }
  }
}
