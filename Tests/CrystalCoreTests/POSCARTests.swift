import TestSupport
import XCTest

@testable import CrystalCore

final class POSCARTests: XCTestCase {
  let text = """
    perovskite
    1.0
      3.9 0 0
      0 3.9 0
      0 0 3.9
    Sr Ti O
    1 1 3
    Selective dynamics
    Direct
      0 0 0 T T T
      0.5 0.5 0.5 T T T
      0.5 0.5 0 T T T
      0.5 0 0.5 T T T
      0 0.5 0.5 T T T
    """

  func testParseAndRoundTrip() throws {
    let structure = try POSCAR.parse(text, source: "POSCAR")
    XCTAssertEqual(structure.composition.reducedFormula, "SrTiO3")
    XCTAssertEqual(structure.volume, 3.9 * 3.9 * 3.9, accuracy: 1e-9)
    let again = try POSCAR.parse(POSCAR.write(structure), source: "written")
    XCTAssertEqual(again.sites, structure.sites)
  }

  func testCartesianAndVolumeScale() throws {
    let cartesian = text.replacingOccurrences(of: "Direct", with: "Cartesian")
      .replacingOccurrences(of: "0.5 0.5 0.5 T", with: "1.95 1.95 1.95 T")
      .replacingOccurrences(of: "\n1.0\n", with: "\n-118.638\n")
    let structure = try POSCAR.parse(cartesian, source: "POSCAR")
    XCTAssertEqual(structure.volume, 118.638, accuracy: 1e-9)
    XCTAssertEqual(structure.sites[1].fractional.x, 0.5 * 1.0, accuracy: 1e-3)
  }

  func testBadInputs() {
    assertThrows(
      CrystalError.parse(location: "P: line 4", message: "expected 3 finite numbers, got ''")
    ) { _ = try POSCAR.parse("x\n1.0\n1 0 0\n", source: "P") }
    assertThrows(CrystalError.parse(location: "P: line 6", message: "unknown element 'Q'")) {
      _ = try POSCAR.parse(text.replacingOccurrences(of: "Sr Ti O", with: "Sr Ti Q"), source: "P")
    }
    assertParseError(at: "P: line 3", containing: "degenerate") {
      _ = try POSCAR.parse(text.replacingOccurrences(of: "  0 0 3.9", with: "  0 0 0"), source: "P")
    }
    let error = thrownError(CrystalError.self) {
      _ = try POSCAR.parse(String(text.dropLast(30)), source: "P")
    }
    guard case .parse(let location, let message)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertTrue(location.hasPrefix("P: line "), location)
    XCTAssertTrue(message.contains("truncated") || message.contains("expected 3"), message)
  }

  // The next two inputs crashed the reader under scripts/fuzz.sh.

  func testHugeAtomCountIsAnErrorNotAnAllocation() {
    let input = """
      perovskite
      1.0
        3.9 0 0
        0 3.9 0
        0 0 3.9
      Sr Ti O
      1 199999999999999 3
      Direct
        0 0 0
        5 0.0.5 0.5
        0.5 0O5 0
        0.5~0 0.5
        0 0.5 0.5
      """
    assertParseError(at: "P: line 7", containing: "atom counts [1, 199999999999999, 3] exceed") {
      _ = try POSCAR.parse(input, source: "P")
    }
  }

  func testOverflowingCellVolumeIsAnError() {
    let input = """
      graphite
      1.0
        3.9 0 0
        0 3.23 2.13 0
        0 01e308 6.7
      C
      1
      Cartesian
        1.23 0.71 0
      """
    assertParseError(at: "P: line 3", containing: "volume overflows") {
      _ = try POSCAR.parse(input, source: "P")
    }
  }
}
