import CrystalCore
import XCTest

/// Asserts that `body` throws `CrystalError.parse` at exactly `location` with a message
/// containing `fragment`.
public func assertParseError(
  at location: String, containing fragment: String, file: StaticString = #filePath,
  line: UInt = #line, _ body: () throws -> Void
) {
  let error = thrownError(CrystalError.self, file: file, line: line, body)
  guard case .parse(let actualLocation, let message)? = error else {
    return XCTFail("not a parse error: \(String(describing: error))", file: file, line: line)
  }
  XCTAssertEqual(actualLocation, location, file: file, line: line)
  XCTAssertTrue(
    message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
}
