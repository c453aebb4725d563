import XCTest

@testable import CrystalCore

final class PrototypeLibraryTests: XCTestCase {
  func testLibraryIsLargeLabeledAndPhysical() {
    let structures = PrototypeLibrary.structures()
    XCTAssertGreaterThan(structures.count, 2000)
    XCTAssertLessThan(structures.count, 6000)
    XCTAssertEqual(Set(structures.map(\.id)).count, structures.count, "ids are unique")
    for structure in structures {
      XCTAssertTrue(structure.id.hasPrefix("hypothetical:"))
      XCTAssertLessThanOrEqual(structure.count, 20)
      XCTAssertGreaterThan(structure.volume, 1)
      // Nearest neighbours at the bond length, never overlapping atoms.
      XCTAssertGreaterThan(structure.minimumInteratomicDistance, 1.0, structure.id)
    }
    XCTAssertEqual(PrototypeLibrary.structures().map(\.id), structures.map(\.id), "deterministic")
  }

  func testPrototypeGeometry() throws {
    let na = Element(symbol: "Na")!
    let cl = Element(symbol: "Cl")!
    let rocksalt = try XCTUnwrap(
      PrototypeCatalog.binary.first { $0.name == "rocksalt" }?.decorate([na, cl]))
    XCTAssertEqual(rocksalt.count, 8)
    XCTAssertEqual(rocksalt.minimumInteratomicDistance, 1.66 + 1.02, accuracy: 1e-9)
    for prototype in PrototypeCatalog.all where prototype.roles == 2 {
      let structure = try XCTUnwrap(prototype.decorate([na, cl]))
      // The declared bond is the shortest A-B distance.
      XCTAssertEqual(structure.minimumInteratomicDistance, 2.68, accuracy: 0.02, prototype.name)
    }
  }

  func testMinimumDistanceInSkewedCell() throws {
    // A strongly sheared cell whose nearest image is not among the ±1 neighbours.
    let lattice = try Lattice(
      matrix: Matrix3(Vector3(1, 0, 0), Vector3(5.2, 1, 0), Vector3(0, 0, 1)))
    let structure = try Structure(
      lattice: lattice, elements: [Element(symbol: "H")!], fractional: [.zero])
    XCTAssertEqual(structure.minimumInteratomicDistance, 1.0, accuracy: 1e-12)
  }
}
