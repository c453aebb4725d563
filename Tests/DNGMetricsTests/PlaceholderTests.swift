import XCTest

final class DNGMetricsPlaceholderTests: XCTestCase {
  func testPlaceholder() {}
}
