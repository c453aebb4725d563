import CrystalCore
import XCTest

/// `exactNumber`: machine-readable text that reads back as the same Double.
final class ExactNumberTests: XCTestCase {
  func testReadsBackExactly() {
    var generator = SystemRandomNumberGenerator()
    let values =
      [
        0.233_333_333_333_333_34, 1.0 / 3, 0.1 + 0.2, 1e-300, -.leastNonzeroMagnitude,
        .greatestFiniteMagnitude, 42,
      ]
      + (0..<1000).map { _ in Double(bitPattern: generator.next() >> 2) }
    for value in values where value.isFinite {
      XCTAssertEqual(Double(exactNumber(value))?.bitPattern, value.bitPattern, exactNumber(value))
    }
    XCTAssertEqual(exactNumber(7.0 / 30), "0.23333333333333334")
  }

  func testWholeNumbersAreIntegers() {
    XCTAssertEqual(exactNumber(-0.0), "0")
    XCTAssertEqual(exactNumber(6), "6")
    XCTAssertEqual(exactNumber(-42), "-42")
    XCTAssertEqual(exactNumber(0x1p53), "9007199254740992.0")
    XCTAssertEqual(exactNumber(.nan), "nan")
  }
}
