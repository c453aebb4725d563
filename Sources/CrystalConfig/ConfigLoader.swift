import Foundation

/// Composes a configuration the way Hydra does, from a directory of YAML files:
/// a primary file (`train_rl.yaml`) whose `defaults` list names one option per group
/// (`custom_reward: atomic_density` → `custom_reward/atomic_density.yaml`), `_self_` marking
/// where the primary file's own keys merge (last when absent), then command-line overrides.
/// A group file starting with `# @package _global_` merges at the root; others merge under
/// their group's key.
public struct ConfigLoader {
  public let directory: URL

  public init(directory: URL) { self.directory = directory }

  /// Composes `primary` (a file name without .yaml) with `overrides`. Group selections
  /// (`group=option` where `group` is a directory of the config tree) are applied while
  /// composing; all other overrides afterwards.
  public func compose(primary: String, overrides: [String] = []) throws -> ConfigValue {
    var selections: [String: String?] = [:]
    var valueOverrides: [ConfigOverride] = []
    for argument in overrides {
      let parsed = try ConfigOverride(argument)
      if case .set(let path, let value, _) = parsed, isGroup(path) {
        switch value {
        case .string(let option): selections[path] = option
        case .null: selections[path] = .some(nil)
        default: throw ConfigError("group '\(path)' takes an option name, got \(value.json)")
        }
      } else {
        valueOverrides.append(parsed)
      }
    }
    var config = try load(file: primary, selections: &selections)
    if let unused = selections.keys.sorted().first {
      throw ConfigError(
        "group '\(unused)' is not in the defaults list of \(primary).yaml; "
          + "options: \(options(of: unused).joined(separator: ", "))")
    }
    for override in valueOverrides { config = try config.applying(override) }
    return config
  }

  /// Option names of a group (its YAML files, without extension), sorted.
  public func options(of group: String) -> [String] {
    let contents =
      (try? FileManager.default.contentsOfDirectory(
        atPath: directory.appendingPathComponent(group).path)) ?? []
    return contents.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// Groups (subdirectories) of the config tree, sorted.
  public var groups: [String] {
    let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return contents.filter { isGroup($0) }.sorted()
  }

  private func isGroup(_ name: String) -> Bool {
    var isDirectory: ObjCBool = false
    return !name.contains(".")
      && FileManager.default.fileExists(
        atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }

  /// Loads `relativePath`.yaml and composes it with its defaults list, consuming the group
  /// selections it uses. `including` lists the files whose defaults led here (a cycle is an
  /// error).
  private func load(
    file relativePath: String, selections: inout [String: String?], including: [String] = []
  ) throws -> ConfigValue {
    let (own, _) = try read(relativePath)
    guard case .map(var map) = own else {
      throw ConfigError("\(relativePath).yaml: top level must be a map")
    }
    let defaults = map.removeValue(forKey: "defaults")
    var composed = ConfigValue.map([:])
    var selfMerged = false
    for entry in try defaultsEntries(defaults, file: relativePath) {
      guard let (group, defaultOption) = entry else {
        composed = composed.merged(with: .map(map))
        selfMerged = true
        continue
      }
      let option = selections.removeValue(forKey: group) ?? defaultOption
      guard let option else { continue }
      let path = "\(group)/\(option)"
      guard FileManager.default.fileExists(atPath: url(path).path) else {
        throw ConfigError(
          "no config '\(option)' in group '\(group)'; options: "
            + options(of: group).joined(separator: ", "))
      }
      var nestedSelections: [String: String?] = [:]
      let (content, global) = try read(path)
      let body: ConfigValue
      if case .map(let inner) = content, inner["defaults"] != nil {
        let chain = including + [relativePath]
        guard !chain.contains(path) else {
          throw ConfigError(
            "defaults cycle: \((chain + [path]).map { "\($0).yaml" }.joined(separator: " -> "))")
        }
        body = try load(file: path, selections: &nestedSelections, including: chain)
      } else {
        body = content
      }
      composed = composed.merged(with: global ? body : .map([group: body]))
    }
    if !selfMerged { composed = composed.merged(with: .map(map)) }
    return composed
  }

  /// Parses a defaults list into (group, option) pairs; nil marks `_self_`.
  private func defaultsEntries(_ defaults: ConfigValue?, file: String) throws
    -> [(String, String?)?]
  {
    guard let defaults else { return [] }
    guard case .list(let items) = defaults else {
      throw ConfigError("\(file).yaml: defaults must be a list")
    }
    return try items.map { item in
      if item.stringValue == "_self_" { return nil }
      guard case .map(let entry) = item, entry.count == 1, let (group, option) = entry.first
      else {
        throw ConfigError(
          "\(file).yaml: defaults entries are `group: option` or _self_, got \(item.json)")
      }
      switch option {
      case .string(let name): return (group, name)
      case .null: return (group, nil)
      default: throw ConfigError("\(file).yaml: option of group '\(group)' must be a name or null")
      }
    }
  }

  private func url(_ relativePath: String) -> URL {
    directory.appendingPathComponent(relativePath + ".yaml")
  }

  private func read(_ relativePath: String) throws -> (ConfigValue, global: Bool) {
    let fileURL = url(relativePath)
    guard let text = try? String(contentsOf: fileURL, encoding: .utf8) else {
      throw ConfigError("cannot read config file \(fileURL.path)")
    }
    let global = text.split(separator: "\n", maxSplits: 3).contains {
      $0.replacingOccurrences(of: " ", with: "").hasPrefix("#@package_global_")
    }
    return (try ConfigValue.parse(yaml: text, source: fileURL.path), global)
  }
}
