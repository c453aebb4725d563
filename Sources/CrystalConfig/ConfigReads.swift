import Foundation
import Synchronization

/// The config paths a program has resolved, so a test can check that every key of a
/// configuration is read by something. Reading a node counts as reading everything under it.
///
/// ```swift
/// let config = ComposedConfig(root: root)
/// _ = try config.int("trainer.max_steps")
/// config.reads.unread(in: root)  // every leaf path except trainer.max_steps
/// ```
public final class ConfigReads: Sendable {
  private let paths = Mutex<Set<String>>([])

  public init() {}

  /// Records that `path` was resolved.
  public func note(_ path: String) { paths.withLock { _ = $0.insert(path) } }

  /// Every path recorded so far.
  public var all: Set<String> { paths.withLock { $0 } }

  /// The leaf paths of `root` that no recorded path covers (a path covers itself and
  /// everything under it), sorted.
  public func unread(in root: ConfigValue) -> [String] {
    let read = all
    return root.leafPaths().filter { leaf in
      !read.contains { leaf == $0 || leaf.hasPrefix($0 + ".") }
    }.sorted()
  }
}

extension ConfigValue {
  /// Dotted paths of every leaf (scalars, empty maps and lists; list items by index).
  public func leafPaths(prefix: String = "") -> [String] {
    func join(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }
    switch self {
    case .map(let map) where !map.isEmpty:
      return map.flatMap { $0.value.leafPaths(prefix: join($0.key)) }
    case .list(let list) where !list.isEmpty:
      return list.enumerated().flatMap { $0.element.leafPaths(prefix: join(String($0.offset))) }
    default:
      return prefix.isEmpty ? [] : [prefix]
    }
  }
}
