import XCTest

final class TensorEnginePlaceholderTests: XCTestCase {
  func testPlaceholder() {}
}
