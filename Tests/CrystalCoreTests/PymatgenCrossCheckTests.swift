import Foundation
import TestSupport
import XCTest

@testable import CrystalCore

/// Lattice volume, density and reduced composition of every structure of the shared
/// validation sets, against pymatgen reading the same CIFs.
final class PymatgenCrossCheckTests: XCTestCase {
  struct Reference: Decodable {
    let id: String
    let volume: Double
    let density: Double
    let reduced: [String: Double]
    let formula: String
  }

  func crossCheck(_ dataset: String) throws {
    let url = SharedData.url(dataset)
    let ours = try CDVAEDataset.read(url)
    let reference = try PythonOracle.json(
      [Reference].self,
      """
      import csv, json, sys, warnings
      warnings.filterwarnings("ignore")
      from pymatgen.core import Structure
      out = []
      for row in csv.DictReader(open(sys.argv[1])):
          s = Structure.from_str(row["cif"], fmt="cif")
          reduced = s.composition.reduced_composition
          out.append({"id": row["material_id"], "volume": s.volume, "density": float(s.density),
                      "reduced": {str(e): float(a) for e, a in reduced.items()},
                      "formula": s.composition.reduced_formula})
      print(json.dumps(out))
      """, arguments: [url.path])
    XCTAssertEqual(ours.count, reference.count)
    var worstVolume = 0.0
    var worstDensity = 0.0
    var formulaMismatches = 0
    for (record, expected) in zip(ours, reference) {
      XCTAssertEqual(record.id, expected.id)
      let structure = record.structure
      worstVolume = max(worstVolume, abs(structure.volume - expected.volume) / expected.volume)
      worstDensity = max(worstDensity, abs(structure.density - expected.density) / expected.density)
      let reduced = structure.composition.reduced.counts
      XCTAssertEqual(
        Dictionary(uniqueKeysWithValues: reduced.map { ($0.key.symbol, Double($0.value)) }),
        expected.reduced, "reduced composition of \(record.id)")
      if structure.composition.reducedFormula != expected.formula { formulaMismatches += 1 }
    }
    print(
      "\(dataset): \(ours.count) structures vs pymatgen; max relative volume error \(worstVolume), "
        + "density \(worstDensity); reduced formulas differing: \(formulaMismatches)")
    XCTAssertLessThan(worstVolume, 1e-6)
    XCTAssertLessThan(worstDensity, 1e-6)
    XCTAssertEqual(formulaMismatches, 0)
  }

  func testPerovskites() throws { try crossCheck("perov_5/val.csv") }
  func testCarbon() throws { try crossCheck("carbon_24/val.csv") }
}
