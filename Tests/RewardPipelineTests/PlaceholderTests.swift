import XCTest

final class RewardPipelinePlaceholderTests: XCTestCase {
  func testPlaceholder() {}
}
