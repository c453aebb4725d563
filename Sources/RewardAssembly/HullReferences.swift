import CrystalConfig

/// The `hull_references` setting (`reward_fn.hull_references`, `evaluation.hull_references`):
/// phase-diagram entries beside the reference set's. `prototypes` adds the built-in binary and
/// ternary prototypes decorated with the elements of each chemical system a batch touches,
/// relaxed with the run's calculator (`PrototypeHullEntries`); `csv:PATH` adds a file of
/// compositions and energies (`HullEntryFile`). Null, `none` or an empty list add nothing,
/// and the hull is the reference set's alone.
///
/// ```yaml
/// hull_references: [prototypes, csv:/data/mp_entries.csv]
/// ```
public struct HullReferences: Equatable, Sendable {
  /// One entry of the setting.
  public enum Source: Equatable, Sendable {
    case prototypes
    case entries(path: String)
  }

  public let sources: [Source]

  public static let none = HullReferences(sources: [])

  public init(sources: [Source]) { self.sources = sources }

  /// Parses the setting at `node`: absent, null, `none`, one entry or a list of entries.
  public init(_ node: ConfigNode) throws {
    let items: [ConfigNode]
    switch node.value {
    case nil, .null?: items = []
    case .string("none")?: items = []
    case .list?: items = try node.list()
    case _?: items = [node]
    }
    sources = try items.map { item in
      switch item.value?.stringValue {
      case "prototypes": return .prototypes
      case let text? where text.hasPrefix("csv:") && text.count > 4:
        return .entries(path: String(text.dropFirst(4)))
      default:
        throw ConfigError(
          key: item.path,
          "\(node.path) entries must be `prototypes` or csv:PATH (a CSV of composition and energy or "
            + "energy_per_atom), got \(item.value!.json)")
      }
    }
  }
}
