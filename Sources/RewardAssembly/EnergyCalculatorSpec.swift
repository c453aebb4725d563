import CrystalConfig
import EnergyCalculation
import Foundation

/// An `energy_calculator` setting behind `e_above_hull` (`rl_module.reward_fn.energy_calculator`,
/// `evaluation.energy_calculator`): `chgnet`, `table:PATH` (a CSV of id and energy),
/// `plugin:PATH_OR_NAME:PROVIDER` (a plugin's metric provider of energy per atom in eV/atom), or
/// `ase:MODULE:CALLABLE` (any ASE calculator, `MODULE.CALLABLE(**energy_calculator_kwargs)`, run
/// by the interpreter `energy_python`, default the CHGNet environment's).
///
/// ```swift
/// let spec = try EnergyCalculatorSpec(settingsIn: try config.node("evaluation"))
/// ```
public struct EnergyCalculatorSpec {
  /// Which calculator the setting names.
  public enum Calculator: Equatable, Sendable {
    case chgnet
    case table(path: String)
    case plugin(plugin: String, provider: String)
    case ase(AseCalculator)

    /// Whether the calculator runs in worker processes, so that `energy_workers` may be > 1.
    public var runsInWorkers: Bool {
      switch self {
      case .chgnet, .ase: return true
      case .table, .plugin: return false
      }
    }
  }

  public let calculator: Calculator
  /// The setting as written (`chgnet` when the key is absent).
  public let setting: String
  /// Where the setting was read, so that later errors name its key.
  let node: ConfigNode

  /// The setting with everything that changes what it computes (an ASE calculator's kwargs
  /// and interpreter): calculators of one factory are shared by this key.
  public var key: String {
    guard case .ase(let ase) = calculator else { return setting }
    return "\(setting) \(ase.kwargs) python \(ase.interpreter)"
  }

  /// Reads `energy_calculator`, `energy_calculator_kwargs` and `energy_python` of the map
  /// `settings` (a `reward_fn` node or `evaluation`).
  public init(settingsIn settings: ConfigNode) throws {
    try self.init(
      settings["energy_calculator"], kwargs: settings["energy_calculator_kwargs"],
      python: settings["energy_python"])
  }

  /// Parses the setting at `node` (absent means `chgnet`); anything else is an error naming the
  /// key and listing the valid forms. `kwargs` (a map) and `python` (a path; `~` is the home
  /// directory) apply to `ase:MODULE:CALLABLE` only: given with another calculator they are an
  /// error; absent or null, they are `{}` and the CHGNet environment's interpreter.
  public init(
    _ node: ConfigNode, kwargs: ConfigNode = ConfigNode(nil, path: "energy_calculator_kwargs"),
    python: ConfigNode = ConfigNode(nil, path: "energy_python")
  ) throws {
    self.node = node
    setting = try node.optional { try $0.string() } ?? "chgnet"
    if setting.hasPrefix("ase:") {
      let parts = setting.dropFirst(4).split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
        throw node.error(
          "must be ase:MODULE:CALLABLE (e.g. ase:ase.calculators.emt:EMT), got '\(setting)'")
      }
      if !kwargs.isNull { _ = try kwargs.keys() }
      calculator = .ase(
        AseCalculator(
          module: String(parts[0]), callable: String(parts[1]),
          kwargs: kwargs.isNull ? "{}" : kwargs.value!.json,
          python: python.isNull
            ? nil : NSString(string: try python.string()).expandingTildeInPath))
      return
    }
    for extra in [kwargs, python] where !extra.isNull {
      throw extra.refusal(
        "applies to energy_calculator: ase:MODULE:CALLABLE only, not '\(setting)'")
    }
    if setting == "chgnet" {
      calculator = .chgnet
    } else if setting.hasPrefix("table:"), setting.count > 6 {
      calculator = .table(path: String(setting.dropFirst(6)))
    } else if setting.hasPrefix("plugin:"), case let rest = setting.dropFirst(7),
      let colon = rest.lastIndex(of: ":"), colon > rest.startIndex,
      rest.index(after: colon) < rest.endIndex
    {
      calculator = .plugin(
        plugin: String(rest[..<colon]), provider: String(rest[rest.index(after: colon)...]))
    } else {
      throw node.error(
        "must be chgnet, table:PATH, plugin:PATH_OR_NAME:PROVIDER or ase:MODULE:CALLABLE, "
          + "got '\(setting)'")
    }
  }
}
