import XCTest

final class StructureMatchingPlaceholderTests: XCTestCase {
  func testPlaceholder() {}
}
