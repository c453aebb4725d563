import Foundation
import Yams

/// A configuration tree as read from YAML: the shape Hydra/OmegaConf users know.
public indirect enum ConfigValue: Equatable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case list([ConfigValue])
  case map([String: ConfigValue])

  /// Parses YAML text. Plain scalars follow OmegaConf: `1e-4` is a number, `null`/`~` null.
  public static func parse(yaml: String, source: String) throws -> ConfigValue {
    do {
      guard let node = try Yams.compose(yaml: yaml) else { return .map([:]) }
      return try ConfigValue(node: node, source: source)
    } catch let error as ConfigError {
      throw error
    } catch {
      throw ConfigError("\(source): invalid YAML: \(error)")
    }
  }

  private init(node: Node, source: String) throws {
    switch node {
    case .scalar(let scalar):
      self = ConfigValue(scalar: scalar)
    case .sequence(let sequence):
      self = .list(try sequence.map { try ConfigValue(node: $0, source: source) })
    case .mapping(let mapping):
      var map: [String: ConfigValue] = [:]
      for (key, value) in mapping {
        guard let name = key.string else { throw ConfigError("\(source): non-string key \(key)") }
        map[name] = try ConfigValue(node: value, source: source)
      }
      self = .map(map)
    }
  }

  private init(scalar: Node.Scalar) {
    let text = scalar.string
    guard scalar.style == .plain else {
      self = .string(text)
      return
    }
    switch text {
    case "", "~", "null", "Null", "NULL": self = .null
    case "true", "True", "TRUE": self = .bool(true)
    case "false", "False", "FALSE": self = .bool(false)
    default:
      if let int = Int(text) {
        self = .int(int)
      } else if let double = Double(text), text.rangeOfCharacter(from: .decimalDigits) != nil {
        self = .double(double)
      } else {
        self = .string(text)
      }
    }
  }

  /// Parses one command-line override value with the same scalar rules (or a flow-style list
  /// or map such as `[1, 2]`).
  public static func parseValue(_ text: String) throws -> ConfigValue {
    try parse(yaml: "value: \(text)", source: "override value '\(text)'")["value"] ?? .null
  }

  /// The child at `key` of a map, nil otherwise.
  public subscript(key: String) -> ConfigValue? {
    if case .map(let map) = self { return map[key] }
    return nil
  }

  /// The value at a dotted path ("rl_module.reward_fn.eps"); list items by index ("components.0").
  public func value(at path: String) -> ConfigValue? {
    path.split(separator: ".").reduce(Optional(self)) { node, part in
      switch node {
      case .map(let map)?: return map[String(part)]
      case .list(let list)?: return Int(part).flatMap { list.indices.contains($0) ? list[$0] : nil }
      default: return nil
      }
    }
  }

  public var mapValue: [String: ConfigValue]? {
    if case .map(let map) = self { return map }
    return nil
  }

  public var listValue: [ConfigValue]? {
    if case .list(let list) = self { return list }
    return nil
  }

  public var stringValue: String? {
    if case .string(let string) = self { return string }
    return nil
  }

  /// Numeric value of an int or double.
  public var doubleValue: Double? {
    switch self {
    case .int(let int): return Double(int)
    case .double(let double): return double
    default: return nil
    }
  }

  public var intValue: Int? {
    if case .int(let int) = self { return int }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let bool) = self { return bool }
    return nil
  }

  public var isNull: Bool { self == .null }

  /// `other` merged over `self`: maps merge key by key, anything else is replaced (as in
  /// OmegaConf, lists are replaced whole).
  public func merged(with other: ConfigValue) -> ConfigValue {
    guard case .map(var base) = self, case .map(let top) = other else { return other }
    for (key, value) in top {
      base[key] = base[key].map { $0.merged(with: value) } ?? value
    }
    return .map(base)
  }

  /// The value as JSON text (maps with sorted keys).
  public var json: String {
    switch self {
    case .null: return "null"
    case .bool(let bool): return bool ? "true" : "false"
    case .int(let int): return String(int)
    case .double(let double): return double.isFinite ? "\(double)" : "null"
    case .string(let string): return jsonQuoted(string)
    case .list(let list): return "[" + list.map(\.json).joined(separator: ", ") + "]"
    case .map(let map):
      return "{"
        + map.keys.sorted().map { "\(jsonQuoted($0)): \(map[$0]!.json)" }.joined(separator: ", ")
        + "}"
    }
  }

  /// YAML-like text for display (`crystalrl config`).
  public var description: String { render(indent: 0) }

  private func render(indent: Int) -> String {
    let pad = String(repeating: "  ", count: indent)
    switch self {
    case .map(let map) where !map.isEmpty:
      return map.keys.sorted().map { key in
        let child = map[key]!
        switch child {
        case .map(let inner) where !inner.isEmpty:
          return "\(pad)\(key):\n" + child.render(indent: indent + 1)
        case .list(let list) where !list.isEmpty:
          return "\(pad)\(key):\n" + child.render(indent: indent + 1)
        default: return "\(pad)\(key): \(child.json)"
        }
      }.joined(separator: "\n")
    case .list(let list) where !list.isEmpty:
      return list.map { item in
        switch item {
        case .map(let inner) where !inner.isEmpty:
          let body = item.render(indent: indent + 1)
          return "\(pad)- " + body.dropFirst(pad.count + 2)
        default: return "\(pad)- \(item.json)"
        }
      }.joined(separator: "\n")
    default: return pad + json
    }
  }
}

private func jsonQuoted(_ string: String) -> String {
  var out = "\""
  for scalar in string.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    default:
      if scalar.value < 0x20 {
        out += String(format: "\\u%04x", scalar.value)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  return out + "\""
}
