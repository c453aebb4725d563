import CrystalConfig
import CrystalCore
import Foundation
import ReferenceOracles
import RewardAssembly

/// The whole DNG reward (unique, novel, creativity, e_above_hull, both MMD diversities, the
/// DNG plugin, normalizations) on a 320-structure batch against perov_5 (3,787 references),
/// energies from a table, vs the same computation with pymatgen + amd + numpy. The reference
/// set, its energies and features are prepared before timing on both sides; the timed part is
/// what a training step pays.
let dngRewardBenchmark = Benchmark(name: "dng-reward") {
  let source = SharedData.url("perov_5/val.csv")
  let records = try CDVAEDataset.read(source)
  let table = try SyntheticEnergies.table(records)
  var factory = RewardFactory(
    cacheDirectory: FileManager.default.temporaryDirectory.appendingPathComponent(
      "crystalrl-bench-cache"))
  let pipeline = try factory.makePipeline(
    try ConfigValue.parse(
      yaml: dngRewardYAML(reference: source, energies: table), source: "benchmark"))
  let batch = dngBatch(records, count: 320)
  _ = try pipeline.score(Array(batch.prefix(8)))  // warm caches of the reference side only
  var total = 0.0
  let seconds = try medianSeconds(repetitions: 3) {
    total = try pipeline.score(batch).total.reduce(0, +)
  }
  let python = try pythonDNGReward(reference: source, energies: table, count: batch.count)
  report(
    "structures", count: batch.count, ours: seconds, theirs: python.seconds,
    note: String(format: "Σ total: ours %.6f, Python %.6f", total, python.total))
}

/// `count` structures of `records` for the DNG reward: every 11th from `start` (wrapping
/// around), the odd ones with a lattice strain (and an id the energy table lacks), so that some
/// are novel.
func dngBatch(_ records: [DatasetRecord], count: Int, start: Int = 0) -> [Structure] {
  (0..<count).map { index -> Structure in
    let structure = records[(start + index * 11) % records.count].structure
    guard index % 2 == 1 else { return structure }
    let m = structure.lattice.matrix
    let strained = try! Lattice(matrix: Matrix3(m[0] * 1.07, m[1], m[2] * 0.95))
    return try! Structure(lattice: strained, sites: structure.sites, id: structure.id + "-strained")
  }
}

/// The DNG reward of `dngBatch(records of reference, count: count)` computed with pymatgen + amd
/// + numpy against `reference`, energies from the table at `energies`: the seconds of the
/// scoring (the reference side is prepared before timing) and the sum of the totals.
func pythonDNGReward(reference: URL, energies: URL, count: Int) throws -> (
  seconds: Double, total: Double
) {
  let numbers = try pythonSeconds(
    """
    import json, collections
    import numpy as np
    import amd
    from pymatgen.analysis.phase_diagram import PatchedPhaseDiagram, PDEntry
    from pymatgen.analysis.structure_matcher import StructureMatcher
    from pymatgen.core import Lattice, Element

    refs = load(sys.argv[1], 10**6)
    energies = {}
    for line in open(sys.argv[2]).read().split("\\n")[1:]:
        key, value = line.split(",")
        energies[key] = float(value)
    # The same batch as dngBatch: every 11th reference, odd ones strained.
    batch, ids = [], []
    for index in range(int(sys.argv[3])):
        key, s = refs[index * 11]
        if index % 2 == 1:
            m = s.lattice.matrix.copy(); m[0] *= 1.07; m[2] *= 0.95
            s = Structure(Lattice(m), s.species, s.frac_coords)
            key = key + "-strained"
        batch.append(s); ids.append(key)
    ref_structs = [s for _, s in refs]
    by_formula = collections.defaultdict(list)
    for s in ref_structs:
        by_formula[s.composition.reduced_formula].append(s)
    entries = [PDEntry(s.composition, energies[i]) for i, s in refs]
    for el in {e for s in ref_structs for e in s.composition.elements}:
        entries.append(PDEntry(el.symbol, -1 - el.Z % 7))
    pd = PatchedPhaseDiagram(entries)

    def comp_features(s):
        c = s.composition; els = sorted(c.elements); f = np.array([c.get_atomic_fraction(e) for e in els])
        props = [[e.Z / 100 for e in els], [e.row / 7 for e in els], [e.group / 18 for e in els],
                 [(e.X if e.X == e.X else 0) / 4 for e in els]]
        out = []
        for p in props:
            p = np.array(p); m = (p * f).sum()
            out += [m, np.sqrt((f * (p - m) ** 2).sum()), p.min(), p.max()]
        return out + [len(els) / 10]
    def struct_features(s):
        scale = (s.volume / len(s)) ** (1 / 3)
        lengths = sorted(s.lattice.abc); cos = sorted(np.cos(np.radians(s.lattice.angles)))
        a = amd.AMD(amd.periodicset_from_pymatgen_structure(s), 16)
        return [scale / 3] + [x / lengths[2] for x in lengths] + list(cos) + list(a / scale)
    ref_struct_f = np.array([struct_features(s) for s in ref_structs])
    ref_comp_f = np.array([comp_features(s) for s in ref_structs])

    def mmd_reward(g, r):
        m, n, d = len(g), len(r), g.shape[1]
        k = lambda x, y: (x @ y.T / d + 1) ** 3
        kgg, krr, kgr = k(g, g), k(r, r), k(g, r)
        rt = (krr.sum() - np.trace(krr)) / (n * (n - 1))
        gs = kgg.sum() - np.trace(kgg); c = kgr.sum()
        mmd = gs / (m * (m - 1)) + rt - 2 * c / (m * n)
        s_ = kgg.sum(1) - np.diag(kgg); t = kgr.sum(1)
        return (gs - 2 * s_) / ((m - 1) * (m - 2)) + rt - 2 * (c - t) / ((m - 1) * n) - mmd
    def norm(x, eps=1e-4):
        return np.zeros_like(x) if x.max() - x.min() < eps else np.clip((x - x.min()) / (x.max() - x.min() + eps), 0, 1)

    start = time.perf_counter()
    sm = StructureMatcher()
    leaders = {id(g[0]) for g in sm.group_structures(batch)}
    unique = [id(s) in leaders for s in batch]
    novel = [not any(sm.fit(r, s) for r in by_formula[s.composition.reduced_formula]) for s in batch]
    creativity = []
    for s, u, v in zip(batch, unique, novel):
        if u and v: creativity.append(1.0); continue
        if not u and not v: creativity.append(0.0); continue
        same = [s] + by_formula[s.composition.reduced_formula] + [b for b in batch if b.composition.reduced_formula == s.composition.reduced_formula]
        amds = [amd.AMD(amd.periodicset_from_pymatgen_structure(x), 100) for x in same]
        dists = amd.AMD_cdist(amds, amds)[0]
        creativity.append(dists[dists > 0].min() if (dists > 0).any() else 0.0)
    ehull = []
    for s, key in zip(batch, ids):
        e = energies.get(key)
        ehull.append(np.nan if e is None else pd.get_e_above_hull(PDEntry(s.composition, e), allow_negative=True))
    energy = -np.clip(np.nan_to_num(np.array(ehull), nan=1.0), 0, 1)
    sd = mmd_reward(np.array([struct_features(s) for s in batch]), ref_struct_f)
    cd = mmd_reward(np.array([comp_features(s) for s in batch]), ref_comp_f)
    total = np.array(creativity) + norm(energy) + 0.1 * norm(sd) + norm(cd)
    print(time.perf_counter() - start, total.sum())
    """, arguments: [reference.path, energies.path, String(count)])
  return (numbers[0], numbers[1])
}
