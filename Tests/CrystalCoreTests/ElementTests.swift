import XCTest

@testable import CrystalCore

final class ElementTests: XCTestCase {
  func testTableFacts() {
    XCTAssertEqual(Element.all.count, 103)
    XCTAssertEqual(Element(symbol: "Lr")?.z, 103)
    XCTAssertNil(Element(symbol: "Xx"))
    XCTAssertNil(Element(z: 0))
    let groups = [
      "H": 1, "He": 18, "C": 14, "Na": 1, "Cl": 17, "Fe": 8, "Br": 17, "Cs": 1, "La": 3,
      "Lu": 3, "Hf": 4, "Au": 11, "Rn": 18, "Ra": 2, "U": 3, "Lr": 3,
    ]
    for (symbol, group) in groups { XCTAssertEqual(Element(symbol: symbol)?.group, group, symbol) }
    XCTAssertEqual(Element(symbol: "Fe")?.period, 4)
    XCTAssertEqual(Element(symbol: "Rn")?.period, 6)
  }
}
