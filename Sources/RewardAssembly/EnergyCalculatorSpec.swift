import CrystalConfig

/// An `energy_calculator` setting behind `e_above_hull` (`rl_module.reward_fn.energy_calculator`,
/// `evaluation.energy_calculator`): `chgnet`, `table:PATH` (a CSV of id and energy), or
/// `plugin:PATH_OR_NAME:PROVIDER` (a plugin's metric provider of energy per atom in eV/atom).
///
/// ```swift
/// let spec = try EnergyCalculatorSpec(try config.node("evaluation.energy_calculator"))
/// ```
public struct EnergyCalculatorSpec {
  /// Which calculator the setting names.
  public enum Calculator: Equatable, Sendable {
    case chgnet
    case table(path: String)
    case plugin(plugin: String, provider: String)
  }

  public let calculator: Calculator
  /// The setting as written (`chgnet` when the key is absent).
  public let setting: String
  /// Where the setting was read, so that later errors name its key.
  let node: ConfigNode

  /// Parses the setting at `node` (absent means `chgnet`); anything else is an error naming the
  /// key and listing the valid forms.
  public init(_ node: ConfigNode) throws {
    self.node = node
    setting = try node.optional { try $0.string() } ?? "chgnet"
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
        "must be chgnet, table:PATH or plugin:PATH_OR_NAME:PROVIDER, got '\(setting)'")
    }
  }
}
