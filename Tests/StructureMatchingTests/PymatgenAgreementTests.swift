import CrystalCore
import Foundation
import StructureMatching
import TestSupport
import XCTest

/// Structure-matcher verdicts against pymatgen's StructureMatcher() on real structures and on
/// perturbed, permuted, re-celled and rescaled copies of them.
final class PymatgenAgreementTests: XCTestCase {
  struct Case: Decodable {
    let structures: [OracleStructure]
    /// (first index, second index, pymatgen verdict, kind of pair)
    let pairs: [[String]]
  }

  /// Every pair within each reduced-formula bucket of the first `sampled` rows of both
  /// datasets, plus derived copies, judged by pymatgen in one run.
  static let script = """
    import json, random, sys
    import numpy as np
    from pymatgen.analysis.structure_matcher import StructureMatcher
    from pymatgen.core import Lattice, Structure
    \(DatasetSample.pythonLoader)
    \(OracleStructure.pythonDump)
    random.seed(7)
    rng = np.random.default_rng(7)
    sm = StructureMatcher()
    structures, pairs = [], []
    def add(s, name):
        structures.append(dump(s, name))
        return len(structures) - 1
    def judge(i, j, a, b, kind):
        pairs.append([str(i), str(j), "1" if sm.fit(a, b) else "0", kind])
    for path, count in ((sys.argv[1], int(sys.argv[3])), (sys.argv[2], int(sys.argv[4]))):
        rows = load(path, count)
        index = [add(s, name) for name, s in rows]
        buckets = {}
        for k, (_, s) in enumerate(rows):
            buckets.setdefault(s.composition.reduced_formula, []).append(k)
        for members in buckets.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    a, b = members[x], members[y]
                    judge(index[a], index[b], rows[a][1], rows[b][1], "bucket")
        for k, (name, s) in enumerate(rows[:150]):
            variants = []
            small = s.copy(); small.perturb(0.05); variants.append((small, "perturbed"))
            big = s.copy(); big.perturb(0.6); variants.append((big, "strongly-perturbed"))
            order = list(range(len(s))); random.shuffle(order)
            variants.append((Structure.from_sites([s[o] for o in order]), "permuted"))
            while True:
                m = rng.integers(-1, 2, size=(3, 3))
                if round(abs(np.linalg.det(m))) == 1:
                    break
            recelled = s.copy(); recelled.make_supercell(m)
            theta = rng.uniform(0, 2 * np.pi)
            rot = np.array([[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
            recelled = Structure(Lattice(recelled.lattice.matrix @ rot.T), recelled.species, recelled.frac_coords)
            variants.append((recelled, "re-celled"))
            scaled = s.copy(); scaled.scale_lattice(s.volume * 1.15); variants.append((scaled, "scaled"))
            for variant, kind in variants:
                judge(index[k], add(variant, name + "/" + kind), s, variant, kind)
    print(json.dumps({"structures": structures, "pairs": pairs}))
    """

  func testAgreementWithPymatgen() throws {
    let data = try PythonOracle.json(
      Case.self, Self.script,
      arguments: [
        SharedData.url("perov_5/val.csv").path, SharedData.url("carbon_24/val.csv").path, "3787",
        "110",
      ])
    let structures = try data.structures.map { try $0.structure() }
    let matcher = StructureMatcher()
    let reduced = structures.map(matcher.reduced)
    var agree = 0
    var matches = 0
    var disagreements: [String] = []
    var byKind: [String: (agree: Int, total: Int)] = [:]
    for pair in data.pairs {
      let (i, j) = (Int(pair[0])!, Int(pair[1])!)
      let expected = pair[2] == "1"
      let ours =
        structures[i].composition.reduced == structures[j].composition.reduced
        && matcher.fitReduced(reduced[i], reduced[j])
      byKind[pair[3], default: (0, 0)].total += 1
      if ours == expected {
        agree += 1
        byKind[pair[3]]!.agree += 1
      } else {
        disagreements.append(
          "\(structures[i].id) vs \(structures[j].id) (\(pair[3])): pymatgen \(expected), ours \(ours)"
        )
      }
      if expected { matches += 1 }
    }
    let rate = Double(agree) / Double(data.pairs.count)
    print(
      "structure matcher vs pymatgen: \(agree)/\(data.pairs.count) pairs agree (\(rate * 100)%), \(matches) matching pairs"
    )
    for (kind, counts) in byKind.sorted(by: { $0.key < $1.key }) {
      print("  \(kind): \(counts.agree)/\(counts.total)")
    }
    for line in disagreements { print("  disagreement: \(line)") }
    XCTAssertGreaterThanOrEqual(rate, 0.995)
  }
}
