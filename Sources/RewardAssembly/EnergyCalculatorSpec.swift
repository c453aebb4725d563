import RewardPipeline

/// The `reward_fn.energy_calculator` setting behind `e_above_hull`: `chgnet`, `table:PATH` (a
/// CSV of id and energy), or `plugin:PATH_OR_NAME:PROVIDER` (a plugin's metric provider of
/// energy per atom in eV/atom).
enum EnergyCalculatorSpec: Equatable {
  case chgnet
  case table(path: String)
  case plugin(plugin: String, provider: String)

  /// Parses a setting; anything else is an error listing the valid forms.
  init(parsing spec: String) throws {
    if spec == "chgnet" {
      self = .chgnet
    } else if spec.hasPrefix("table:"), spec.count > 6 {
      self = .table(path: String(spec.dropFirst(6)))
    } else if spec.hasPrefix("plugin:"), let colon = spec.lastIndex(of: ":"),
      case let plugin = spec[spec.index(spec.startIndex, offsetBy: 7)..<colon], !plugin.isEmpty,
      case let provider = spec[spec.index(after: colon)...], !provider.isEmpty
    {
      self = .plugin(plugin: String(plugin), provider: String(provider))
    } else {
      throw RewardError.configuration(
        "reward_fn.energy_calculator must be chgnet, table:PATH or "
          + "plugin:PATH_OR_NAME:PROVIDER, got '\(spec)'")
    }
  }
}
