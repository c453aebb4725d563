import CrystalCore
import DNGAlgorithms
import Foundation
import Randomness
import TestSupport
import XCTest

/// The per-structure MMD reward against a numpy implementation of its formulas,
/// evaluated literally in extended precision (np.longdouble) so the comparison measures our
/// error, not the reference's cancellation.
final class MMDRewardTests: XCTestCase {
  func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> FeatureMatrix {
    var generator = SeededRandom(seed: seed)
    return FeatureMatrix(
      rows: rows, columns: columns,
      values: (0..<rows * columns).map { _ in Double.random(in: -1...1, using: &generator) })
  }

  func numpy(_ generated: FeatureMatrix, _ reference: FeatureMatrix) throws -> [Double] {
    let input =
      "\(generated.rows) \(reference.rows) \(generated.columns)\n"
      + (generated.values + reference.values).map { "\($0)" }.joined(separator: " ")
    return try PythonOracle.json(
      [Double].self,
      """
      import json, sys
      import numpy as np
      header, body = sys.stdin.read().split("\\n", 1)
      m, n, d = map(int, header.split())
      data = np.array(body.split(), dtype=np.float64).astype(np.longdouble)
      g, r = data[:m * d].reshape(m, d), data[m * d:].reshape(n, d)
      k = lambda x, y: (x @ y.T / d + 1) ** 3
      kgg, krr, kgr = k(g, g), k(r, r), k(g, r)
      r_term = (krr.sum() - np.trace(krr)) / (n * (n - 1))
      gs = kgg.sum() - np.trace(kgg)
      c = kgr.sum()
      mmd = gs / (m * (m - 1)) + r_term - 2 * c / (m * n)
      s = kgg.sum(axis=1) - np.diag(kgg)
      t = kgr.sum(axis=1)
      without = (gs - 2 * s) / ((m - 1) * (m - 2)) + r_term - 2 * (c - t) / ((m - 1) * n)
      print(json.dumps([float(x) for x in (without - mmd)]))
      """, input: input)
  }

  func testMatchesNumpy() throws {
    for (m, n, d, seed) in [(64, 500, 8, 1 as UInt64), (5, 5000, 23, 2), (320, 4100, 17, 3)] {
      let generated = randomMatrix(rows: m, columns: d, seed: seed)
      let reference = randomMatrix(rows: n, columns: d, seed: seed + 100)
      let ours = MMDReward(reference: reference).rewards(generated)
      let expected = try numpy(generated, reference)
      var worst = 0.0
      for (a, b) in zip(ours, expected) {
        worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
      }
      XCTAssertLessThanOrEqual(worst, 1e-9, "M=\(m) N=\(n) d=\(d)")
      print("MMD reward vs numpy (M=\(m), N=\(n), d=\(d)): max relative difference \(worst)")
    }
  }

  func testReferencesAreSubsampledDeterministically() {
    let big = randomMatrix(rows: 10, columns: 2, seed: 9)
    let a = big.subsampled(to: 4, seed: 1)
    XCTAssertEqual(a.rows, 4)
    XCTAssertEqual(a.values, big.subsampled(to: 4, seed: 1).values)
    XCTAssertEqual(big.subsampled(to: 20, seed: 1).values, big.values)
  }

  func testDescriptorsHaveTheirDimension() throws {
    let structures = try CDVAEDataset.read(SharedData.url("carbon_24/val.csv"), limit: 3).map(
      \.structure)
    for featurizer in [CompositionDescriptor(), StructureDescriptor()] as [any Featurizer] {
      let matrix = featurizer.matrix(structures)
      XCTAssertEqual(matrix.columns, featurizer.dimension)
      XCTAssertEqual(matrix.values.count, 3 * featurizer.dimension)
      XCTAssertTrue(matrix.values.allSatisfy(\.isFinite))
    }
  }
}
