/// A failure of a test helper (missing oracle, compiler error), with the tool's own output.
public struct SupportError: Error, CustomStringConvertible {
  public let description: String
  public init(description: String) { self.description = description }
}
