import Foundation

/// One node of a configuration with the dotted path it was found at, read with typed reads
/// whose errors name that path. A missing key is a node too (its `value` is nil), so the path
/// of any setting, present or not, is known where it is read.
///
/// ```swift
/// let reward = try config.node("rl_module.reward_fn")
/// let weight = try reward["components"][0]["weight"].optional { try $0.double() } ?? 1
/// reward["components"][0]["weight"].path  // "rl_module.reward_fn.components.0.weight"
/// ```
public struct ConfigNode {
  /// The value, nil when the key is absent.
  public let value: ConfigValue?
  /// The dotted path of the key (list items by index); empty for a root.
  public let path: String

  public init(_ value: ConfigValue?, path: String) {
    self.value = value
    self.path = path
  }

  /// The child at `key` of a map (absent when there is none, or this is no map).
  public subscript(key: String) -> ConfigNode {
    ConfigNode(value?[key], path: child(key))
  }

  /// The item at `index` of a list (absent when there is none, or this is no list).
  public subscript(index: Int) -> ConfigNode {
    let item = value?.listValue.flatMap { $0.indices.contains(index) ? $0[index] : nil }
    return ConfigNode(item, path: child(String(index)))
  }

  private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// Whether the key is present (null counts as present).
  public var exists: Bool { value != nil }

  /// Whether the key is absent or null.
  public var isNull: Bool { value?.isNull ?? true }

  /// An error about this key: `problem` follows the path (`PATH must be ...`).
  public func error(_ problem: String) -> ConfigError {
    ConfigError(key: path, "\(path) \(problem)")
  }

  /// An error about this key: `message` follows the path, the `subject` the key belongs to (a
  /// component's name) when given, and a colon (`PATH (SUBJECT): unknown ...`).
  public func refusal(_ message: String, subject: String? = nil) -> ConfigError {
    ConfigError(key: path, "\(path)\(subject.map { " (\($0))" } ?? ""): \(message)")
  }

  /// The value; a missing key is an error.
  public func required() throws -> ConfigValue {
    guard let value else { throw ConfigError(key: path, "missing config key '\(path)'") }
    return value
  }

  /// `read(self)`, or nil when the key is absent.
  public func optional<T>(_ read: (ConfigNode) throws -> T) rethrows -> T? {
    value == nil ? nil : try read(self)
  }

  /// The value read by `convert`, which returns nil for a value of the wrong type; then the
  /// error says the key must be `expected`.
  private func typed<T>(_ expected: String, _ convert: (ConfigValue) -> T?) throws -> T {
    let value = try required()
    guard let typed = convert(value) else { throw error("must be \(expected), got \(value.json)") }
    return typed
  }

  public func int() throws -> Int { try typed("an integer", \.intValue) }

  /// An integer greater than zero.
  public func positiveInt() throws -> Int {
    try typed("a positive integer") { $0.intValue.flatMap { $0 > 0 ? $0 : nil } }
  }

  /// A finite number (an integer or a double).
  public func double() throws -> Double {
    try typed("a finite number") { $0.doubleValue.flatMap { $0.isFinite ? $0 : nil } }
  }

  public func string() throws -> String { try typed("a string", \.stringValue) }

  public func bool() throws -> Bool { try typed("true or false", \.boolValue) }

  /// The items of a list, each with its path.
  public func list() throws -> [ConfigNode] {
    let count = try typed("a list") { $0.listValue?.count }
    return (0..<count).map { self[$0] }
  }

  /// The keys of a map, sorted.
  public func keys() throws -> [String] {
    try typed("a map") { $0.mapValue.map { $0.keys.sorted() } }
  }

  /// Refuses a map with keys outside `allowed`, naming them and the valid ones; `subject`
  /// (a component's name) is added to the path in the message. `keys` are the keys to check
  /// when not all of the map's.
  public func checkKeys(allowed: [String], subject: String? = nil, among keys: [String]? = nil)
    throws
  {
    let unknown = try (keys ?? self.keys()).sorted().filter { !allowed.contains($0) }
    guard unknown.isEmpty else {
      throw refusal(
        "unknown key(s) \(unknown.joined(separator: ", ")); valid: "
          + allowed.joined(separator: ", "), subject: subject)
    }
  }
}

extension ComposedConfig {
  /// The node at `path`, with every interpolation inside it resolved.
  public func node(_ path: String) throws -> ConfigNode {
    ConfigNode(try resolved(at: path), path: path)
  }

  /// The resolved value at `path`; a missing key is an error.
  public func value(_ path: String) throws -> ConfigValue { try node(path).required() }

  public func int(_ path: String) throws -> Int { try node(path).int() }

  /// An integer greater than zero.
  public func positiveInt(_ path: String) throws -> Int { try node(path).positiveInt() }

  /// A finite number.
  public func double(_ path: String) throws -> Double { try node(path).double() }

  public func string(_ path: String) throws -> String { try node(path).string() }

  public func bool(_ path: String) throws -> Bool { try node(path).bool() }
}
