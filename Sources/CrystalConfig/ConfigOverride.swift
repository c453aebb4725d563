/// One command-line override, Hydra style:
/// - `group=name` selects a config group option (`custom_reward=rl_dng`);
/// - `a.b.c=value` sets an existing key;
/// - `+a.b.c=value` adds a key that does not exist yet;
/// - `~a.b.c` deletes a key.
public enum ConfigOverride: Equatable {
  case set(path: String, value: ConfigValue, add: Bool)
  case delete(path: String)

  /// Parses one override argument.
  public init(_ argument: String) throws {
    if argument.hasPrefix("~") {
      self = .delete(path: try ConfigOverride.key(String(argument.dropFirst()), of: argument))
      return
    }
    guard let equals = argument.firstIndex(of: "=") else {
      throw ConfigError(
        "override '\(argument)' is not of the form key=value, +key=value, group=option or ~key")
    }
    var path = String(argument[..<equals])
    let add = path.hasPrefix("+")
    if add { path.removeFirst() }
    self = .set(
      path: try ConfigOverride.key(path, of: argument),
      value: try ConfigValue.parseValue(String(argument[argument.index(after: equals)...])),
      add: add)
  }

  /// `path` when none of its dot-separated parts is empty.
  private static func key(_ path: String, of argument: String) throws -> String {
    guard path.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty })
    else {
      throw ConfigError("override '\(argument)' has an empty key")
    }
    return path
  }

  /// The key path this override touches.
  public var path: String {
    switch self {
    case .set(let path, _, _), .delete(let path): return path
    }
  }
}

extension ConfigValue {
  /// The tree with `override` applied. Setting a key that does not exist is an error (listing
  /// the keys that do) unless the override adds it with `+`.
  public func applying(_ override: ConfigOverride) throws -> ConfigValue {
    let parts = override.path.split(separator: ".").map(String.init)
    switch override {
    case .set(_, let value, let add):
      return try replacing(parts[...], fullPath: override.path) { existing in
        guard existing != nil || add else {
          return nil
        }
        return .some(value)
      }
    case .delete:
      return try replacing(parts[...], fullPath: override.path) { existing in
        existing == nil ? nil : .some(nil)
      }
    }
  }

  /// Rewrites the value at `path`. `change` gets the current value (nil when absent) and
  /// returns nil to refuse, `.some(nil)` to delete, `.some(value)` to store.
  private func replacing(
    _ path: ArraySlice<String>, fullPath: String,
    _ change: (ConfigValue?) -> ConfigValue??
  ) throws -> ConfigValue {
    let key = path.first!
    switch self {
    case .map(var map):
      if path.count == 1 {
        guard let outcome = change(map[key]) else {
          throw unknownKey(fullPath, key: key, valid: map.keys.sorted())
        }
        map[key] = outcome
        return .map(map)
      }
      let child = map[key] ?? (change(nil) != nil ? .map([:]) : nil)
      guard let child else { throw unknownKey(fullPath, key: key, valid: map.keys.sorted()) }
      map[key] = try child.replacing(path.dropFirst(), fullPath: fullPath, change)
      return .map(map)
    case .list(var list):
      guard let index = Int(key), list.indices.contains(index) else {
        throw ConfigError(
          "'\(fullPath)': '\(key)' is not an index of a list of \(list.count) items")
      }
      if path.count == 1 {
        guard let outcome = change(list[index]) else {
          throw ConfigError("cannot set '\(fullPath)'")
        }
        if let outcome { list[index] = outcome } else { list.remove(at: index) }
        return .list(list)
      }
      list[index] = try list[index].replacing(path.dropFirst(), fullPath: fullPath, change)
      return .list(list)
    default:
      throw ConfigError("'\(fullPath)': '\(key)' is below a value that is not a map")
    }
  }

  private func unknownKey(_ fullPath: String, key: String, valid: [String]) -> ConfigError {
    ConfigError(
      "unknown config key '\(fullPath)' ('\(key)' not found; valid here: "
        + "\(valid.isEmpty ? "none" : valid.joined(separator: ", "))); "
        + "prefix with + to add a new key: +\(fullPath)=...")
  }
}
