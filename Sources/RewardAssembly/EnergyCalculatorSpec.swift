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
    } else if spec.hasPrefix("plugin:"), case let rest = spec.dropFirst(7),
      let colon = rest.lastIndex(of: ":"), colon > rest.startIndex,
      rest.index(after: colon) < rest.endIndex
    {
      self = .plugin(
        plugin: String(rest[..<colon]), provider: String(rest[rest.index(after: colon)...]))
    } else {
      throw RewardError.configuration(
        "reward_fn.energy_calculator must be chgnet, table:PATH or "
          + "plugin:PATH_OR_NAME:PROVIDER, got '\(spec)'")
    }
  }
}
