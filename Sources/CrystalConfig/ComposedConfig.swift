import Foundation

/// A composed configuration (what `ConfigLoader.compose` returns) ready to be read: typed reads
/// (`int("trainer.max_steps")`, `node("rl_module.reward_fn")`, see `ConfigNode`) see its
/// values with `${...}` interpolations resolved the way OmegaConf does:
/// - `${a.b.c}` is the value at that path of the root config;
/// - `${name:argument}` calls a registered resolver (`hub`, `oc.env`);
/// - a string that is exactly one interpolation takes the referenced value's type, otherwise
///   the pieces are joined as text.
/// Resolution is lazy (call it on the subtree you use), so an unresolvable `${hub:...}` in a
/// part of the config a command does not touch is no error. Every path resolved, directly or
/// through an interpolation, is noted in `reads`.
public struct ComposedConfig {
  /// A custom resolver: gets the text after the colon, returns the value.
  public typealias Resolver = (String) throws -> ConfigValue

  public let root: ConfigValue
  public var resolvers: [String: Resolver]
  /// The paths resolved so far (shared by copies of this config).
  public let reads = ConfigReads()

  public init(root: ConfigValue, resolvers: [String: Resolver] = [:]) {
    self.root = root
    var all: [String: Resolver] = [
      "oc.env": { argument in
        let parts = argument.split(separator: ",", maxSplits: 1).map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        guard let name = parts.first, !name.isEmpty else {
          throw ConfigError("${oc.env:\(argument)} names no environment variable")
        }
        if let value = ProcessInfo.processInfo.environment[name] { return .string(value) }
        guard parts.count == 2 else {
          throw ConfigError("environment variable \(parts[0]) is not set")
        }
        return try ConfigValue.parseValue(parts[1])
      }
    ]
    all.merge(resolvers) { $1 }
    self.resolvers = all
  }

  /// The value at `path`, with every interpolation inside it resolved.
  public func resolved(at path: String) throws -> ConfigValue? {
    reads.note(path)
    return try root.value(at: path).map { try resolve($0, trail: [path]) }
  }

  /// `value` with every interpolation inside it resolved.
  public func resolve(_ value: ConfigValue, trail: [String] = []) throws -> ConfigValue {
    switch value {
    case .string(let text) where text.contains("${"):
      return try resolveString(text, trail: trail)
    case .list(let list):
      return .list(try list.map { try resolve($0, trail: trail) })
    case .map(let map):
      return .map(try map.mapValues { try resolve($0, trail: trail) })
    default:
      return value
    }
  }

  private func resolveString(_ text: String, trail: [String]) throws -> ConfigValue {
    var pieces: [ConfigValue] = []
    var literal = ""
    var index = text.startIndex
    while index < text.endIndex {
      if text[index...].hasPrefix("${") {
        guard let close = matchingBrace(in: text, from: index) else {
          throw ConfigError("unterminated interpolation in '\(text)'")
        }
        if !literal.isEmpty { pieces.append(.string(literal)) }
        literal = ""
        let body = String(text[text.index(index, offsetBy: 2)..<close])
        pieces.append(try evaluate(body, trail: trail))
        index = text.index(after: close)
      } else {
        literal.append(text[index])
        index = text.index(after: index)
      }
    }
    if !literal.isEmpty { pieces.append(.string(literal)) }
    if pieces.count == 1 { return pieces[0] }
    return .string(pieces.map { $0.stringValue ?? $0.json }.joined())
  }

  private func evaluate(_ body: String, trail: [String]) throws -> ConfigValue {
    let inner = try resolveString(body, trail: trail).stringValue ?? body
    if let colon = inner.firstIndex(of: ":") {
      let name = String(inner[..<colon])
      guard let resolver = resolvers[name] else {
        throw ConfigError(
          "unknown resolver '\(name)' in ${\(inner)}; known: "
            + resolvers.keys.sorted().joined(separator: ", "))
      }
      return try resolver(String(inner[inner.index(after: colon)...]))
    }
    guard !trail.contains(inner) else {
      throw ConfigError("interpolation cycle: \((trail + [inner]).joined(separator: " -> "))")
    }
    reads.note(inner)
    guard let target = root.value(at: inner) else {
      throw ConfigError("interpolation ${\(inner)} refers to a key that does not exist")
    }
    return try resolve(target, trail: trail + [inner])
  }

  private func matchingBrace(in text: String, from start: String.Index) -> String.Index? {
    var depth = 0
    var index = start
    while index < text.endIndex {
      if text[index...].hasPrefix("${") {
        depth += 1
        index = text.index(index, offsetBy: 2)
        continue
      }
      if text[index] == "}" {
        depth -= 1
        if depth == 0 { return index }
      }
      index = text.index(after: index)
    }
    return nil
  }
}
