import CrystalCore
import StructureMatching
import TestSupport
import XCTest

/// Verdicts of `StructureMatcher` against pymatgen's on real structures and modified copies.
final class StructureMatcherAgreementTests: XCTestCase {
  func testAgreesWithPymatgenOnCarbon24() throws {
    try checkAgreement(
      dataset: "carbon_24/val.csv", energyColumn: "energy_per_atom", pairs: 2500, copied: 200,
      neighbours: 3)
  }

  func testAgreesWithPymatgenOnPerov5() throws {
    try checkAgreement(
      dataset: "perov_5/val.csv", energyColumn: "heat_ref", pairs: 3000, copied: 400, neighbours: 40
    )
  }

  private func checkAgreement(
    dataset: String, energyColumn: String, pairs: Int, copied: Int,
    neighbours: Int
  ) throws {
    let oracle = try PythonOracle.json(
      OracleCase.self, OracleCase.script,
      arguments: [
        SharedData.url(dataset).path, energyColumn, "7", "\(pairs)", "\(copied)",
        "\(neighbours)",
      ])
    let structures = try oracle.structures.map { try $0.structure() }
    let matcher = StructureMatcher()
    var disagreements: [String] = []
    var positives = 0
    for pair in oracle.pairs {
      let verdict = matcher.fit(structures[pair.i], structures[pair.j])
      if pair.fit { positives += 1 }
      if verdict != pair.fit {
        disagreements.append(
          "\(structures[pair.i].id) vs \(structures[pair.j].id) [\(pair.kind)]: "
            + "pymatgen \(pair.fit), ours \(verdict)")
      }
    }
    let agreement = 1 - Double(disagreements.count) / Double(oracle.pairs.count)
    print(
      "\(dataset): \(oracle.pairs.count) pairs, \(positives) matches by pymatgen, "
        + "agreement \(String(format: "%.4f", agreement))")
    for kind in Set(oracle.pairs.map(\.kind)).sorted() {
      let ofKind = oracle.pairs.filter { $0.kind == kind }
      print("  \(kind): \(ofKind.count) pairs, \(ofKind.filter(\.fit).count) matches by pymatgen")
    }
    for line in disagreements { print("  disagreement: \(line)") }
    XCTAssertGreaterThan(positives, oracle.pairs.count / 20, "too few matching pairs to be a test")
    XCTAssertGreaterThanOrEqual(agreement, 0.995)
  }
}
