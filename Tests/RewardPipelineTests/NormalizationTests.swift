import RewardPipeline
import TestSupport
import XCTest

/// Normalizations against values computed by hand from their formulas.
final class NormalizationTests: XCTestCase {
  let values = [1.0, 2.0, 4.0]

  func assertClose(
    _ actual: [Double], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, file: file, line: line)
    for (a, e) in zip(actual, expected) {
      XCTAssertEqual(a, e, accuracy: 1e-12, file: file, line: line)
    }
  }

  func testNorm() {
    // (x - 1) / (3 + 1e-4)
    assertClose(Normalization.norm.apply(values, eps: 1e-4), [0, 1 / 3.0001, 3 / 3.0001])
    assertClose(Normalization.norm.apply([5, 5.00001], eps: 1e-4), [0, 0])
  }

  func testStdUsesSampleDeviation() {
    // mean 7/3; sample variance ((4/3)^2 + (1/3)^2 + (5/3)^2) / 2 = 7/3
    let std = (7.0 / 3).squareRoot()
    let expected = values.map { ($0 - 7.0 / 3) / (std + 1e-4) }
    assertClose(Normalization.std.apply(values, eps: 1e-4), expected)
    assertClose(Normalization.std.apply([2, 2, 2], eps: 1e-4), [0, 0, 0])
    assertClose(Normalization.std.apply([3], eps: 1e-4), [0])
  }

  func testSubtractMeanAndClip() {
    assertClose(Normalization.subtractMean.apply(values, eps: 1e-4), [-4.0 / 3, -1.0 / 3, 5.0 / 3])
    assertClose(Normalization.clip.apply([-3, 0.5, 2], eps: 1e-4), [-1, 0.5, 1])
  }

  func testParse() throws {
    XCTAssertNil(try Normalization.parse(nil))
    XCTAssertNil(try Normalization.parse("null"))
    XCTAssertEqual(try Normalization.parse("subtract_mean"), .subtractMean)
    assertThrows(
      RewardError.configuration(
        "unknown normalize_fn 'zscore'; valid: norm, std, subtract_mean, clip, null")
    ) { _ = try Normalization.parse("zscore") }
  }

  func testGroupwise() throws {
    let grouped = try Normalization.subtractMean.applyGroupwise(
      [1, 3, 10, 20], groupSize: 2, eps: 1e-4)
    assertClose(grouped, [-1, 1, -5, 5])
    XCTAssertThrowsError(try Normalization.norm.applyGroupwise([1, 2, 3], groupSize: 2, eps: 1e-4))
  }
}
