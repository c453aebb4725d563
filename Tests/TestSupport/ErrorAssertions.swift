import XCTest

/// Asserts that `body` throws an error whose description contains every one of `texts` (for
/// errors that are only a message, and for the one message test of each error type).
public func assertError(
  _ texts: String..., file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> Void
) {
  assertError(texts, file: file, line: line, body)
}

/// `assertError` with the texts in an array.
public func assertError(
  _ texts: [String], file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> Void
) {
  XCTAssertThrowsError(try body(), file: file, line: line) { error in
    for text in texts {
      XCTAssertTrue("\(error)".contains(text), "'\(error)' lacks '\(text)'", file: file, line: line)
    }
  }
}

/// Asserts that `body` throws an error equal to `expected`: its type, case and values.
public func assertThrows<E: Error & Equatable>(
  _ expected: E, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) {
  XCTAssertThrowsError(try body(), file: file, line: line) { error in
    XCTAssertEqual(
      error as? E, expected, "threw \(type(of: error)): \(error)", file: file, line: line)
  }
}

/// The error `body` throws as an `E` (nil, after a test failure, when it throws nothing or
/// something else), for matching a case by pattern:
/// `guard case .wrongCount(_, 2, 1, 3)? = thrownError(PluginError.self, { try score() })`.
public func thrownError<E: Error>(
  _ type: E.Type, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) -> E? {
  do {
    try body()
    XCTFail("no error thrown", file: file, line: line)
  } catch let error as E {
    return error
  } catch {
    XCTFail("threw \(Swift.type(of: error)), not \(E.self): \(error)", file: file, line: line)
  }
  return nil
}
