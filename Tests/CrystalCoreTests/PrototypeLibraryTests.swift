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

  func testSpinelCoordination() throws {
    let spinel = try XCTUnwrap(PrototypeCatalog.ternary.first { $0.name == "spinel" })
    let (mg, al, o) = (Element(symbol: "Mg")!, Element(symbol: "Al")!, Element(symbol: "O")!)
    let structure = try XCTUnwrap(spinel.decorate([mg, al, o]))
    XCTAssertEqual(structure.composition.reducedFormula, "MgAl2O4")
    XCTAssertEqual(structure.count, 14)
    XCTAssertEqual(
      structure.volume, pow(structure.lattice.lengths.x * 2.0.squareRoot(), 3) / 4, accuracy: 1e-9)
    let bond = al.covalentRadius! + o.covalentRadius!
    // Each Mg has 4 O neighbours and each Al 6 at the bond length; no other atom is closer.
    let cartesian = structure.sites.map { structure.lattice.cartesian($0.fractional) }
    for (index, site) in structure.sites.enumerated() where site.element != o {
      var distances: [Double] = []
      for (other, neighbour) in structure.sites.enumerated() where other != index {
        for a in -1...1 {
          for b in -1...1 {
            for c in -1...1 {
              let image = structure.lattice.cartesian(
                neighbour.fractional + Vector3(Double(a), Double(b), Double(c)))
              distances.append(
                ((image - cartesian[index]) * (image - cartesian[index])).sum().squareRoot())
            }
          }
        }
      }
      let nearest = distances.filter { abs($0 - bond) < 1e-6 }.count
      XCTAssertEqual(nearest, site.element == mg ? 4 : 6, "\(site.element.symbol) \(index)")
      XCTAssertGreaterThan(distances.min()!, bond - 1e-6)
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
