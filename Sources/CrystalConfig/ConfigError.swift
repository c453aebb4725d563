/// A configuration problem; each message names the key or file and what would be valid.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
