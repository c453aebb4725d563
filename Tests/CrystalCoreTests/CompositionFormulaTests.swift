import CrystalCore
import XCTest

final class CompositionFormulaTests: XCTestCase {
  func testParsesWholeNumberFormulas() throws {
    XCTAssertEqual(try Composition(formula: "Fe2O3").formula, "Fe2O3")
    XCTAssertEqual(try Composition(formula: "Fe2 O3"), try Composition(formula: "O3Fe2"))
    XCTAssertEqual(try Composition(formula: "SrTiO3").atomCount, 5)
    XCTAssertEqual(try Composition(formula: "O2").counts, [Element(symbol: "O")!: 2])
    XCTAssertEqual(try Composition(formula: "Fe2.0O3.0").formula, "Fe2O3")
    XCTAssertEqual(try Composition(formula: "FeOFe").formula, "Fe2O")
  }

  func testRefusesWhatItCannotRead() {
    for (formula, message) in [
      ("Xx2O3", "unknown element 'Xx'"), ("Fe0.5O", "amount '0.5' of Fe"),
      ("(SO4)2", "expected an element symbol at '(SO4)2'"), ("", "empty formula"),
      ("fe2O3", "expected an element symbol"), ("Fe0O", "amount '0' of Fe"),
    ] {
      XCTAssertThrowsError(try Composition(formula: formula), formula) { error in
        XCTAssertTrue("\(error)".contains(message), "\(formula): \(error)")
      }
    }
  }
}
