import CrystalCore
import EnergyCalculation
import Foundation
import TestSupport
import XCTest

/// The CHGNet worker against the `chgnet` Python API called directly, on real structures.
/// Needs the CHGNet environment (`make test` creates it with scripts/python-env.sh chgnet).
final class ChgnetParityTests: XCTestCase {
  struct Reference: Decodable {
    let structures: [OracleStructure]
    let energies: [Double]
  }

  func testWorkerMatchesChgnetAPI() throws {
    let reference = try PythonOracle.json(
      Reference.self,
      """
      import csv, json, sys, warnings
      warnings.filterwarnings("ignore")
      out = sys.stdout
      sys.stdout = sys.stderr
      from chgnet.model import CHGNet
      from pymatgen.core import Structure
      \(OracleStructure.pythonDump)
      rows = list(csv.DictReader(open(sys.argv[1])))[:12] + list(csv.DictReader(open(sys.argv[2])))[:12]
      structures = [Structure.from_str(r["cif"], fmt="cif") for r in rows]
      model = CHGNet.load(verbose=False, use_device="cpu")
      energies = [float(model.predict_structure(s)["e"]) * len(s) for s in structures]
      out.write(json.dumps({"structures": [dump(s, r["material_id"]) for s, r in zip(structures, rows)],
                            "energies": energies}))
      """,
      arguments: [
        SharedData.url("perov_5/val.csv").path, SharedData.url("carbon_24/val.csv").path,
      ], interpreter: ChgnetCalculator.python)
    let structures = try reference.structures.map { try $0.structure() }
    let energies = try ChgnetCalculator.start().totalEnergies(structures)
    var worst = 0.0
    for (index, structure) in structures.enumerated() {
      let difference = abs(energies[index] - reference.energies[index]) / Double(structure.count)
      worst = max(worst, difference)
      XCTAssertLessThan(
        difference, 1e-4,
        "structure \(structure.id): \(energies[index]) vs \(reference.energies[index])")
    }
    print(
      "CHGNet worker vs chgnet API: \(structures.count) structures, max |ΔE| = \(worst) eV/atom")
    // Two workers sharing the batch (energy_workers: 2, halves of 12 where one worker batches
    // 16 at a time) give the same energies, bit for bit.
    let shared = try ChgnetCalculator.start(workers: 2).totalEnergies(structures)
    XCTAssertEqual(shared.map(\.bitPattern), energies.map(\.bitPattern), "2 workers vs 1")
  }
}
