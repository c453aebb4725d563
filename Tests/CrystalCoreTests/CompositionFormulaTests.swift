import CrystalCore
import TestSupport
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
    func parse(_ formula: String, _ message: String) -> CrystalError {
      .parse(location: "formula '\(formula)'", message: message)
    }
    let whole = "is not a positive whole number"
    for (formula, expected) in [
      ("Xx2O3", CrystalError.unknownElement("Xx")),
      ("Fe0.5O", parse("Fe0.5O", "amount '0.5' of Fe \(whole)")),
      ("(SO4)2", parse("(SO4)2", "expected an element symbol at '(SO4)2'")),
      ("", .parse(location: "formula", message: "empty formula")),
      ("fe2O3", parse("fe2O3", "expected an element symbol at 'fe2O3'")),
      ("Fe0O", parse("Fe0O", "amount '0' of Fe \(whole)")),
    ] {
      assertThrows(expected) { _ = try Composition(formula: formula) }
    }
  }
}
