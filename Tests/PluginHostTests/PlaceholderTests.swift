import XCTest

final class PluginHostPlaceholderTests: XCTestCase {
  func testPlaceholder() {}
}
