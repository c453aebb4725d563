import CrystalCore
import DNGAlgorithms
import Foundation
import TestSupport
import XCTest

/// AMD vectors and distances against the `average-minimum-distance` package on real structures.
final class AverageMinimumDistanceTests: XCTestCase {
  struct Reference: Decodable {
    let ids: [String]
    let amds: [[Double]]
    let cdist: [[Double]]
  }

  func testAgainstAMDPackage() throws {
    let sets = [("perov_5/val.csv", 100), ("carbon_24/val.csv", 100)]
    var structures: [Structure] = []
    for (path, count) in sets {
      structures += try CDVAEDataset.read(SharedData.url(path), limit: count).map(\.structure)
    }
    let reference = try PythonOracle.json(
      Reference.self,
      """
      import json, sys
      import amd
      \(DatasetSample.pythonLoader)
      rows = load(sys.argv[1], 100) + load(sys.argv[2], 100)
      amds = [amd.AMD(amd.periodicset_from_pymatgen_structure(s), 100) for _, s in rows]
      cdist = amd.AMD_cdist(amds[:40], amds[:40], metric="chebyshev")
      print(json.dumps({"ids": [i for i, _ in rows], "amds": [a.tolist() for a in amds],
                        "cdist": cdist.tolist()}))
      """,
      arguments: sets.map { SharedData.url($0.0).path })
    XCTAssertEqual(structures.map(\.id), reference.ids)
    let ours = structures.map { AverageMinimumDistance.vector($0, k: 100) }
    var worst = 0.0
    for (index, expected) in reference.amds.enumerated() {
      XCTAssertEqual(ours[index].count, 100)
      let difference = AverageMinimumDistance.distance(ours[index], expected)
      worst = max(worst, difference)
      XCTAssertLessThanOrEqual(difference, 1e-6, "AMD of \(reference.ids[index])")
    }
    let matrix = AverageMinimumDistance.distanceMatrix(Array(ours[..<40]), Array(ours[..<40]))
    var worstDistance = 0.0
    for (row, expectedRow) in zip(matrix, reference.cdist) {
      for (value, expected) in zip(row, expectedRow) {
        worstDistance = max(worstDistance, abs(value - expected))
      }
    }
    XCTAssertLessThanOrEqual(worstDistance, 1e-6)
    print(
      "AMD vs amd package: \(ours.count) structures, max |Δ| \(worst) Å; cdist max |Δ| \(worstDistance) Å"
    )
  }

  /// Cells the real structures do not reach: one atom with shells of high multiplicity, a
  /// basis far from reduced with coordinates outside [0, 1), a slab, a needle cell, and a
  /// cluster with a lone atom whose nearest neighbour (6.9 Å) lies well past the radius the
  /// average density suggests (4.5 Å for k = 1), so that the radius has to grow; k from 1 to 400.
  func testAwkwardCellsAgainstAMDPackage() throws {
    let cases: [(Matrix3, [Vector3])] = [
      (
        Matrix3(Vector3(3.1, 0, 0), Vector3(0, 3.1, 0), Vector3(0, 0, 3.1)),
        [Vector3(0.2, 0.3, 0.4)]
      ),
      (
        Matrix3(Vector3(3.0, 0, 0), Vector3(8.7, 2.9, 0), Vector3(-5.2, 6.1, 3.3)),
        [Vector3(1.7, -0.3, 0.25), Vector3(0.1, 0.9, -2.6), Vector3(0.55, 0.45, 0.5)]
      ),
      (
        Matrix3(Vector3(3.2, 0, 0), Vector3(0, 3.2, 0), Vector3(0.4, 0.3, 28)),
        [Vector3(0, 0, 0.1), Vector3(0.5, 0.5, 0.15)]
      ),
      (
        Matrix3(Vector3(1.9, 0, 0), Vector3(0.3, 9, 0), Vector3(-0.2, 1.1, 11)),
        [Vector3(0, 0, 0), Vector3(0.5, 0.1, 0.2), Vector3(0.3, 0.6, 0.7), Vector3(0.8, 0.4, 0.9)]
      ),
      (
        Matrix3(Vector3(10, 0, 0), Vector3(0, 10, 0), Vector3(0, 0, 10)),
        [
          Vector3(0, 0, 0), Vector3(0.15, 0, 0), Vector3(0, 0.15, 0), Vector3(0, 0, 0.15),
          Vector3(0.1, 0.1, 0.1), Vector3(0.5, 0.5, 0.5),
        ]
      ),
    ]
    let ks = [1, 7, 100, 400]
    let structures = try cases.map { matrix, fractional in
      try Structure(
        lattice: Lattice(matrix: matrix),
        elements: Array(repeating: Element(symbol: "C")!, count: fractional.count),
        fractional: fractional)
    }
    // The amd package gets the Niggli-reduced cell, the motif wrapped into it: on the sheared
    // basis itself it misses neighbours (its k = 7 vector is 0.12 Å off a brute-force search
    // over ±20 cells, which the reduced cell's matches to 1e-15 Å).
    let input = structures.map { structure in
      let cell = structure.lattice.matrix.flat.map { "\($0)" }.joined(separator: ", ")
      let motif = structure.cartesianCoordinates.map { "[\($0.x), \($0.y), \($0.z)]" }
      return "{\"cell\": [\(cell)], \"motif\": [\(motif.joined(separator: ", "))]}"
    }
    let reference = try PythonOracle.json(
      [[[Double]]].self,
      """
      import json, sys
      import amd
      import numpy as np
      from pymatgen.core import Lattice
      cases = json.load(sys.stdin)
      ks = json.loads(sys.argv[1])
      out = []
      for case in cases:
          cell = Lattice(np.array(case["cell"]).reshape(3, 3)).get_niggli_reduced_lattice().matrix
          fractional = np.array(case["motif"]) @ np.linalg.inv(cell)
          fractional -= np.floor(fractional)
          s = amd.PeriodicSet(fractional @ cell, cell)
          out.append([amd.AMD(s, k).tolist() for k in ks])
      print(json.dumps(out))
      """, arguments: ["\(ks)"], input: "[\(input.joined(separator: ", "))]")
    var worst = 0.0
    for (index, structure) in structures.enumerated() {
      for (k, expected) in zip(ks, reference[index]) {
        let ours = AverageMinimumDistance.vector(structure, k: k)
        XCTAssertEqual(ours.count, k)
        let difference = AverageMinimumDistance.distance(ours, expected)
        worst = max(worst, difference)
        XCTAssertLessThanOrEqual(difference, 1e-9, "case \(index), k = \(k)")
      }
    }
    print("AMD vs amd package on awkward cells: max |Δ| \(worst) Å")
  }

  /// A batch computed on all cores, with buffers reused from one structure to the next, gives
  /// each structure the vector it gets alone; a supercell gives the vector of its cell.
  func testBatchAndSupercellAgree() throws {
    let structures =
      try CDVAEDataset.read(SharedData.url("carbon_24/val.csv"), limit: 60).map(\.structure)
      + CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 20).map(\.structure)
    let batch = AverageMinimumDistance.vectors(structures, k: 100)
    for (structure, vector) in zip(structures, batch) {
      XCTAssertEqual(vector, AverageMinimumDistance.vector(structure, k: 100), structure.id)
    }
    for structure in structures.prefix(10) {
      let (a, b, c) = structure.lattice.matrix.rows
      let supercell = try Structure(
        lattice: Lattice(matrix: Matrix3(2 * a, b, c)),
        elements: structure.elements + structure.elements,
        fractional: structure.sites.map { $0.fractional * Vector3(0.5, 1, 1) }
          + structure.sites.map { ($0.fractional + Vector3(1, 0, 0)) * Vector3(0.5, 1, 1) })
      let difference = AverageMinimumDistance.distance(
        AverageMinimumDistance.vector(supercell, k: 100),
        batch[structures.firstIndex(of: structure)!])
      XCTAssertLessThanOrEqual(difference, 1e-9, structure.id)
    }
  }
}
