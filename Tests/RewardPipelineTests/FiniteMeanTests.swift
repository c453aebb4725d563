import RewardPipeline
import XCTest

/// `finiteMean`: the mean of the finite values, nil when there is none.
final class FiniteMeanTests: XCTestCase {
  func testMeanOfTheFiniteValues() {
    XCTAssertEqual(finiteMean([1, .nan, 3, .infinity, -.infinity]), 2)
    XCTAssertEqual(finiteMean([0.5]), 0.5)
  }

  func testNilWithoutAFiniteValue() {
    XCTAssertNil(finiteMean([]))
    XCTAssertNil(finiteMean([.nan, .infinity]))
  }
}
