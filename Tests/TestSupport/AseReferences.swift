import CrystalCore
import Foundation
import XCTest

/// Carbon_24 structures (pymatgen-parsed CIFs) and what Python computes for them.
public struct AseReference: Decodable {
  /// Tests/EnergyCalculationTests/Fixtures/ase_modules, which holds
  /// crystalrl_test_calculators.py (ASE calculator factories that fail in chosen ways).
  public static let testCalculators = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().appendingPathComponent(
      "../EnergyCalculationTests/Fixtures/ase_modules"
    )
    .standardized.path

  /// Puts `testCalculators` on PYTHONPATH, which energy workers inherit (call from a test
  /// class's `setUp()`, before any worker starts).
  public static func importTestCalculators() { setenv("PYTHONPATH", testCalculators, 1) }

  public let structures: [OracleStructure]
  public let energies: [Double]
  /// Energies after ASE's FIRE on a FrechetCellFilter, for the first few structures.
  public let relaxed: [Double]?

  /// The first `count` structures of carbon_24/val.csv, EMT energies by ASE's own EMT called
  /// directly (pymatgen's AseAtomsAdaptor, not the worker's conversion) and the first
  /// `relaxations` of them relaxed with `fmax` and `steps`.
  public static func emt(count: Int, relaxations: Int = 0, fmax: Double = 0, steps: Int = 0) throws
    -> AseReference
  {
    try PythonOracle.json(
      AseReference.self,
      """
      import csv, json, sys, warnings
      warnings.filterwarnings("ignore")
      out = sys.stdout
      sys.stdout = sys.stderr
      from ase.calculators.emt import EMT
      from ase.filters import FrechetCellFilter
      from ase.optimize import FIRE
      from pymatgen.core import Structure
      from pymatgen.io.ase import AseAtomsAdaptor
      \(OracleStructure.pythonDump)
      count, relaxations, fmax, steps = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
      rows = list(csv.DictReader(open(sys.argv[1])))[:count]
      structures = [Structure.from_str(r["cif"], fmt="cif") for r in rows]
      def emt(s):
          atoms = AseAtomsAdaptor.get_atoms(s)
          atoms.calc = EMT()
          return atoms
      energies = [float(emt(s).get_potential_energy()) for s in structures]
      relaxed = []
      for s in structures[:relaxations]:
          atoms = emt(s)
          FIRE(FrechetCellFilter(atoms), logfile=None).run(fmax=fmax, steps=steps)
          relaxed.append(float(atoms.get_potential_energy()))
      out.write(json.dumps({"structures": [dump(s, r["material_id"]) for s, r in zip(structures, rows)],
                            "energies": energies, "relaxed": relaxed}))
      """,
      arguments: [
        SharedData.url("carbon_24/val.csv").path, "\(count)", "\(relaxations)", "\(fmax)",
        "\(steps)",
      ], interpreter: PythonOracle.torchInterpreter)
  }
}

/// The worst |a − b| per atom over `structures`, asserting each is below `tolerance`.
public func worstPerAtomDifference(
  _ ours: [Double], _ theirs: [Double], _ structures: [Structure], tolerance: Double,
  file: StaticString = #filePath, line: UInt = #line
) -> Double {
  XCTAssertEqual(ours.count, theirs.count, file: file, line: line)
  var worst = 0.0
  for (index, structure) in zip(ours.indices, structures) {
    let difference = abs(ours[index] - theirs[index]) / Double(structure.count)
    worst = max(worst, difference.isNaN ? .infinity : difference)
    XCTAssertLessThan(
      difference, tolerance, "\(structure.id): \(ours[index]) vs \(theirs[index])", file: file,
      line: line)
  }
  return worst
}
