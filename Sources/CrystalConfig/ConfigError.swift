/// A configuration problem; each message names the key or file and what would be valid.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
  public let description: String
  /// The dotted path of the key at fault (`rl_module.reward_fn.components.0.weight`), when the
  /// problem is one key's.
  public let key: String?

  public init(_ description: String) {
    self.description = description
    key = nil
  }

  /// A problem of the key at `key`; the message is `description` as given.
  public init(key: String, _ description: String) {
    self.description = description
    self.key = key
  }
}
