import Foundation

/// The tokens a server accepts in `Authorization: Bearer TOKEN`, read from a file (one per
/// line; blank lines and `#` comments skipped) and compared in constant time: a comparison
/// takes as long whichever byte differs and whichever token matches.
public struct BearerTokens: Sendable {
  private let tokens: [[UInt8]]

  public init(file: URL) throws {
    let text = try String(contentsOf: file, encoding: .utf8)
    tokens = text.split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.hasPrefix("#") }
      .map { Array($0.utf8) }
    guard !tokens.isEmpty else {
      throw ServerError("\(file.path) holds no token (one per line)")
    }
  }

  /// Whether an `Authorization` header value carries an accepted token.
  func accepts(authorization: String?) -> Bool {
    guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
    let given = Array(authorization.utf8.dropFirst(7))
    var matched: UInt8 = 0
    for token in tokens { matched |= Self.equal(given, token) ? 1 : 0 }
    return matched == 1
  }

  /// Constant-time equality for the length of `token`.
  private static func equal(_ given: [UInt8], _ token: [UInt8]) -> Bool {
    var difference: UInt8 = given.count == token.count ? 0 : 1
    for index in token.indices {
      difference |= token[index] ^ (index < given.count ? given[index] : ~token[index])
    }
    return difference == 0
  }
}

/// A server setting that cannot be used (an unreadable token file, certificate or key).
public struct ServerError: Error, CustomStringConvertible {
  public let description: String

  init(_ description: String) { self.description = description }
}
