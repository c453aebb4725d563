import XCTest

@testable import CrystalCore

final class LatticeTests: XCTestCase {
  func testCubicVolumeAndRoundTrip() throws {
    let lattice = try Lattice.cubic(4.0)
    XCTAssertEqual(lattice.volume, 64, accuracy: 1e-12)
    let frac = Vector3(0.25, 0.5, 0.75)
    let back = lattice.fractional(lattice.cartesian(frac))
    XCTAssertEqual(length(back - frac), 0, accuracy: 1e-12)
  }

  func testDegenerateLatticeIsRejected() {
    XCTAssertThrowsError(
      try Lattice(matrix: Matrix3(Vector3(1, 0, 0), Vector3(2, 0, 0), Vector3(0, 0, 1))))
  }
}
