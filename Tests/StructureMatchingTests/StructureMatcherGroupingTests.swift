import CrystalCore
import Foundation
import TestSupport
import XCTest

@testable import StructureMatching

/// Grouping, RMS distances, Niggli reduction and primitive cells against pymatgen on a run of
/// carbon_24 structures of similar energy (many duplicates) plus perturbed copies, shuffled.
final class StructureMatcherGroupingTests: XCTestCase {
  private struct Reference: Decodable {
    let structures: [OracleCase.Entry]
    /// pymatgen's `group_structures`, as indices.
    let groups: [[Int]]
    /// `get_rms_dist` of consecutive structures, then of the first two members of each group.
    let rms: [[Double]?]
    /// Niggli-reduced a, b, c, alpha, beta, gamma of each structure.
    let niggli: [[Double]]
    /// Atom count of each structure's primitive cell.
    let primitiveCounts: [Int]
  }

  private static let script = """
    import csv, json, random, sys, warnings
    warnings.filterwarnings("ignore")
    import numpy as np
    from pymatgen.core import Structure
    from pymatgen.analysis.structure_matcher import StructureMatcher

    path, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    rows = list(csv.DictReader(open(path)))
    rows.sort(key=lambda r: float(r["energy_per_atom"]))
    start = rng.randrange(len(rows) - count)
    structs = [Structure.from_str(r["cif"], fmt="cif") for r in rows[start:start + count]]
    ids = [r["material_id"] for r in rows[start:start + count]]
    for k in rng.sample(range(count), count // 4):
        copy = structs[k].copy()
        copy.perturb(0.05, seed=rng.randrange(2**31))
        structs.append(copy)
        ids.append(ids[k] + "~perturbed")
    order = list(range(len(structs)))
    rng.shuffle(order)
    structs = [structs[k] for k in order]
    ids = [ids[k] for k in order]
    sm = StructureMatcher()
    position = {id(s): n for n, s in enumerate(structs)}
    groups = [[position[id(s)] for s in g] for g in sm.group_structures(structs)]
    rms = []
    for n in range(len(structs) - 1):
        value = sm.get_rms_dist(structs[n], structs[n + 1])
        rms.append(None if value is None else [float(value[0]), float(value[1])])
    for g in groups:
        if len(g) > 1:
            value = sm.get_rms_dist(structs[g[0]], structs[g[1]])
            rms.append(None if value is None else [float(value[0]), float(value[1])])
    niggli, primitive = [], []
    for s in structs:
        lattice = s.lattice.get_niggli_reduced_lattice()
        niggli.append(list(lattice.abc) + list(lattice.angles))
        primitive.append(len(s.get_reduced_structure().get_primitive_structure()))
    print(json.dumps({
        "structures": [{"id": ids[k], "lattice": s.lattice.matrix.tolist(),
                        "z": [site.specie.Z for site in s], "frac": s.frac_coords.tolist()}
                       for k, s in enumerate(structs)],
        "groups": groups, "rms": rms, "niggli": niggli, "primitiveCounts": primitive}))
    """

  private func reference() throws -> (Reference, [Structure]) {
    let reference = try PythonOracle.json(
      Reference.self, Self.script,
      arguments: [SharedData.url("carbon_24/val.csv").path, "3", "80"])
    return (reference, try reference.structures.map { try $0.structure() })
  }

  func testGroupsAsPymatgen() throws {
    let (reference, structures) = try reference()
    let groups = StructureMatcher().group(structures)
    XCTAssertLessThan(reference.groups.count, structures.count / 2, "expected duplicates")
    XCTAssertEqual(
      Set(groups.map { $0.sorted() }), Set(reference.groups.map { $0.sorted() }),
      "groups differ from pymatgen's")
    XCTAssertEqual(groups.map { $0[0] }, groups.map { $0.min()! }, "first member is the earliest")
  }

  func testRMSDistanceAsPymatgen() throws {
    let (reference, structures) = try reference()
    let matcher = StructureMatcher()
    var pairs = (0..<(structures.count - 1)).map { ($0, $0 + 1) }
    pairs += reference.groups.filter { $0.count > 1 }.map { ($0[0], $0[1]) }
    XCTAssertEqual(pairs.count, reference.rms.count)
    XCTAssertGreaterThan(reference.rms.compactMap { $0 }.count, 10)
    for ((i, j), expected) in zip(pairs, reference.rms) {
      let ours = matcher.rmsDistance(structures[i], structures[j])
      let label = "\(structures[i].id) vs \(structures[j].id)"
      guard let expected, let ours else {
        XCTAssertTrue(
          expected == nil && ours == nil,
          "\(label): pymatgen \(String(describing: expected)), ours \(String(describing: ours))")
        continue
      }
      XCTAssertEqual(ours.rms, expected[0], accuracy: 1e-4, label)
      XCTAssertEqual(ours.maxDist, expected[1], accuracy: 1e-4, label)
    }
  }

  func testNiggliReductionAndPrimitiveCellsAsPymatgen() throws {
    let (reference, structures) = try reference()
    let matcher = StructureMatcher()
    for (index, structure) in structures.enumerated() {
      let (lengths, angles) = latticeParameters(LatticeReduction.niggli(structure.lattice.matrix))
      let expected = reference.niggli[index]
      // pymatgen returns the first basis of the input lattice whose lengths agree with the
      // Niggli cell's to a relative 1e-5·V^(1/3) and whose angles agree within 1°, so its angles
      // may differ from the exact Niggli ones (e.g. 89.9° for 90.1°).
      for axis in 0..<3 {
        XCTAssertEqual(lengths[axis], expected[axis], accuracy: 1e-3 * expected[axis], structure.id)
        XCTAssertEqual(angles[axis], expected[axis + 3], accuracy: 1, structure.id)
      }
      XCTAssertEqual(
        matcher.reduce(structure).cell.count, reference.primitiveCounts[index], structure.id)
    }
    XCTAssertTrue(
      zip(structures, reference.primitiveCounts).contains { $0.count > $1 },
      "expected some structures that are not primitive")
  }

  func testLinearAssignmentIsOptimal() {
    var generator = SystemRandomNumberGenerator()
    for n in 1...6 {
      for _ in 0..<20 {
        let cost = (0..<(n * n)).map { _ in Double.random(in: 0..<10, using: &generator) }
        let assignment = LinearAssignment.solve(cost: cost, n: n)
        XCTAssertEqual(Set(assignment).count, n)
        let total = assignment.enumerated().reduce(0) { $0 + cost[$1.offset * n + $1.element] }
        XCTAssertEqual(total, bestTotal(cost, n: n), accuracy: 1e-9)
      }
    }
  }

  /// The minimum total cost by trying every permutation.
  private func bestTotal(_ cost: [Double], n: Int) -> Double {
    func search(_ row: Int, _ used: Set<Int>) -> Double {
      guard row < n else { return 0 }
      return (0..<n).filter { !used.contains($0) }.map {
        cost[row * n + $0] + search(row + 1, used.union([$0]))
      }.min()!
    }
    return search(0, [])
  }
}
