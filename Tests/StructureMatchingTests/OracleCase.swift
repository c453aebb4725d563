import CrystalCore
import Foundation

/// Reference verdicts of pymatgen's `StructureMatcher()` on pairs of real structures and on
/// perturbed, permuted, re-celled, doubled (a supercell), strained and strongly perturbed copies of them.
struct OracleCase: Decodable {
  struct Entry: Decodable {
    let id: String
    let lattice: [[Double]]
    let z: [Int]
    let frac: [[Double]]

    func structure() throws -> Structure {
      let rows = lattice.map { Vector3($0[0], $0[1], $0[2]) }
      return try Structure(
        lattice: Lattice(matrix: Matrix3(rows: rows)), elements: z.map { Element(z: $0)! },
        fractional: frac.map { Vector3($0[0], $0[1], $0[2]) }, id: id)
    }
  }

  struct Pair: Decodable {
    let i: Int
    let j: Int
    let kind: String
    let fit: Bool
  }

  /// Seconds pymatgen spent in `fit` over all pairs.
  let seconds: Double
  let structures: [Entry]
  let pairs: [Pair]

  /// Arguments: CSV path, energy column used to pick likely duplicates, seed, number of pairs
  /// of dataset structures, number of structures copied six ways, how many energy-sorted
  /// neighbours of the same reduced formula each structure is paired with.
  static let script = """
    import csv, json, random, sys, time, warnings
    warnings.filterwarnings("ignore")
    from collections import defaultdict
    import numpy as np
    from pymatgen.core import Structure, Lattice
    from pymatgen.analysis.structure_matcher import StructureMatcher

    path, energy_key, seed, n_natural, n_synthetic, window = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    rows = list(csv.DictReader(open(path)))
    structs = [Structure.from_str(r["cif"], fmt="cif") for r in rows]
    ids = [r["material_id"] for r in rows]
    buckets = defaultdict(list)
    for i, s in enumerate(structs):
        buckets[s.composition.reduced_formula].append(i)
    natural = []
    for members in buckets.values():
        members = sorted(members, key=lambda i: float(rows[i][energy_key]))
        for a in range(len(members)):
            for b in range(a + 1, min(len(members), a + 1 + window)):
                natural.append((members[a], members[b], "natural"))
    rng.shuffle(natural)
    natural = natural[:n_natural]

    def rotation():
        q, _ = np.linalg.qr(nprng.normal(size=(3, 3)))
        return q * np.sign(np.linalg.det(q))

    def unimodular():
        while True:
            m = np.eye(3, dtype=int)
            for _ in range(3):
                i, j = rng.sample(range(3), 2)
                m[i] += rng.choice([-1, 1]) * m[j]
            if abs(round(np.linalg.det(m))) == 1:
                return m

    def variant(s, kind):
        if kind == "perturbed":
            t = s.copy(); t.perturb(0.05, seed=rng.randrange(2**31)); return t
        if kind == "strongly_perturbed":
            t = s.copy(); t.perturb(0.5 * (s.volume / len(s)) ** (1 / 3), seed=rng.randrange(2**31)); return t
        if kind == "permuted":
            order = list(range(len(s))); rng.shuffle(order)
            return Structure(s.lattice, [s.species[i] for i in order], [s.frac_coords[i] for i in order])
        if kind == "recelled":
            m = unimodular()
            lat = Lattice(np.dot(m, s.lattice.matrix) @ rotation().T)
            frac = np.dot(s.frac_coords, np.linalg.inv(m)) + nprng.uniform(size=3)
            return Structure(lat, s.species, frac % 1.0)
        if kind == "supercell":
            t = s.copy(); t.make_supercell([[1, 1, 0], [-1, 1, 0], [0, 0, 1]]); t.perturb(0.02, seed=rng.randrange(2**31)); return t
        if kind == "strained":
            return Structure(Lattice(s.lattice.matrix @ (np.eye(3) + nprng.normal(scale=0.1, size=(3, 3)))), s.species, s.frac_coords)
        raise ValueError(kind)

    out_structs = list(structs)
    out_ids = list(ids)
    synthetic = []
    kinds = ["perturbed", "permuted", "recelled", "supercell", "strongly_perturbed", "strained"]
    for i in rng.sample(range(len(structs)), n_synthetic):
        for kind in kinds:
            out_structs.append(variant(structs[i], kind)); out_ids.append(f"{ids[i]}~{kind}")
            synthetic.append((i, len(out_structs) - 1, kind))

    used = sorted({i for p in natural + synthetic for i in p[:2]})
    sm = StructureMatcher()
    pairs = []
    start = time.perf_counter()
    for i, j, kind in natural + synthetic:
        pairs.append({"i": i, "j": j, "kind": kind, "fit": bool(sm.fit(out_structs[i], out_structs[j]))})
    elapsed = time.perf_counter() - start
    index = {k: n for n, k in enumerate(used)}
    for p in pairs:
        p["i"], p["j"] = index[p["i"]], index[p["j"]]
    print(json.dumps({
        "seconds": elapsed,
        "structures": [{"id": out_ids[k], "lattice": out_structs[k].lattice.matrix.tolist(),
                        "z": [site.specie.Z for site in out_structs[k]],
                        "frac": out_structs[k].frac_coords.tolist()} for k in used],
        "pairs": pairs}))
    """
}
