import Foundation

/// The Python environments `scripts/python-env.sh` creates under the cache root, and where
/// their interpreter is: the environment variable naming it when set, else the environment's
/// default place.
///
/// ```swift
/// let python = PythonEnvironment.chgnet.interpreter()
/// ```
public enum PythonEnvironment: Sendable {
  /// The test oracles (pymatgen, amd, numpy): `CRYSTALRL_PYTHON`, else `venv/`.
  case oracle
  /// The CHGNet energy calculator (and PyTorch): `CRYSTALRL_CHGNET_PYTHON`, else `venv-chgnet/`.
  case chgnet

  /// The variable that names the interpreter.
  public var variable: String {
    switch self {
    case .oracle: return "CRYSTALRL_PYTHON"
    case .chgnet: return "CRYSTALRL_CHGNET_PYTHON"
    }
  }

  /// The interpreter's path under `environment`.
  public func interpreter(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    if let path = environment[variable], !path.isEmpty { return path }
    let directory = self == .oracle ? "venv" : "venv-chgnet"
    return CacheRoot.subdirectory(directory, environment: environment)
      .appendingPathComponent("bin/python").path
  }
}
