import XCTest

final class CrystalConfigPlaceholderTests: XCTestCase {
  func testPlaceholder() {}
}
