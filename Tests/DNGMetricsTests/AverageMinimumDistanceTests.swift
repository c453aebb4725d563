import CrystalCore
import DNGMetrics
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
}
