import CrystalCore
import DNGAlgorithms
import Foundation
import ReferenceOracles
import StructureMatching

/// Structure matcher fits/s vs pymatgen's StructureMatcher().fit on the same pairs (every
/// pair of the first 60 carbon_24 structures, full fit including cell reduction).
let matcherBenchmark = Benchmark(name: "matcher") {
  let path = SharedData.url("carbon_24/val.csv").path
  let structures = try CDVAEDataset.read(URL(fileURLWithPath: path), limit: 60).map(\.structure)
  let matcher = StructureMatcher()
  var pairs: [(Int, Int)] = []
  for i in structures.indices { for j in i + 1..<structures.count { pairs.append((i, j)) } }
  var matches = 0
  let seconds = medianSeconds(repetitions: 3) {
    matches = pairs.filter { matcher.fit(structures[$0.0], structures[$0.1]) }.count
  }
  let python = try pythonSeconds(
    """
    from pymatgen.analysis.structure_matcher import StructureMatcher
    s = [x for _, x in load(sys.argv[1], 60)]
    sm = StructureMatcher()
    start = time.perf_counter()
    n = sum(sm.fit(s[i], s[j]) for i in range(60) for j in range(i + 1, 60))
    print(time.perf_counter() - start, n)
    """, arguments: [path])
  report(
    "fits", count: pairs.count, ours: seconds, theirs: python[0],
    note: "matches: ours \(matches), pymatgen \(Int(python[1]))")
}

/// AMD (k = 100) structures/s vs the amd package on the same 1,000 structures: ours on all
/// cores (as `vectors` runs a batch) and on one (structure by structure, as the DNG metric
/// providers call it); the amd package uses one core. Medians of 9 passes of ours and 3 of
/// the amd package's, so that one slow pass on a busy machine does not decide the ratio.
let amdBenchmark = Benchmark(name: "amd") {
  let perov = SharedData.url("perov_5/val.csv")
  let carbon = SharedData.url("carbon_24/val.csv")
  let structures =
    try CDVAEDataset.read(perov, limit: 500).map(\.structure)
    + CDVAEDataset.read(carbon, limit: 500).map(\.structure)
  let allCores = medianSeconds(repetitions: 9) {
    _ = AverageMinimumDistance.vectors(structures, k: 100)
  }
  let oneCore = medianSeconds(repetitions: 9) {
    for structure in structures { _ = AverageMinimumDistance.vector(structure, k: 100) }
  }
  let python = try pythonSeconds(
    """
    import amd, statistics
    s = [x for _, x in load(sys.argv[1], 500) + load(sys.argv[2], 500)]
    amd.AMD(amd.periodicset_from_pymatgen_structure(s[0]), 100)  # compile numba kernels
    times = []
    for _ in range(3):
        start = time.perf_counter()
        for x in s:
            amd.AMD(amd.periodicset_from_pymatgen_structure(x), 100)
        times.append(time.perf_counter() - start)
    print(statistics.median(times))
    """, arguments: [perov.path, carbon.path])
  report(
    "structures", count: structures.count, ours: allCores, theirs: python[0],
    note: String(
      format: "one core: %.4f s, %.0f structures/s, %.1fx", oneCore,
      Double(structures.count) / oneCore, python[0] / oneCore))
}

/// e_above_hull of 320 entries against a ~4,000-entry reference (perov_5 with synthetic
/// energies and elemental references) vs pymatgen's PatchedPhaseDiagram, as Chemeleon2 uses.
let hullBenchmark = Benchmark(name: "hull") {
  let records = try CDVAEDataset.read(SharedData.url("perov_5/val.csv"))
  func potential(_ element: Element) -> Double { -1 - Double(element.z % 7) }
  var references = records.map { record -> PhaseEntry in
    let heat = Double(record.columns["heat_all"]!)!
    let base = record.structure.elements.reduce(0) { $0 + potential($1) }
    return PhaseEntry(
      composition: record.structure.composition,
      energy: base + heat * Double(record.structure.count))
  }
  for element in Set(records.flatMap(\.structure.elements)).sorted() {
    references.append(PhaseEntry(composition: Composition([element]), energy: potential(element)))
  }
  let queries = (0..<320).map { index -> PhaseEntry in
    let entry = references[index * 11]
    return PhaseEntry(
      composition: entry.composition, energy: entry.energy + 0.01 * Double(index % 7))
  }
  var results: [Double] = []
  let seconds = medianSeconds(repetitions: 3) {
    let diagram = PhaseDiagram(references: references)
    results = queries.map(diagram.energyAboveHull)
  }
  func json(_ entries: [PhaseEntry]) -> String {
    "["
      + entries.map { entry in
        "[{"
          + entry.composition.counts.map { "\"\($0.key.symbol)\": \($0.value)" }.joined(
            separator: ", ")
          + "}, \(entry.energy)]"
      }.joined(separator: ", ") + "]"
  }
  let input = try SharedScratch.write("[\(json(references)), \(json(queries))]")
  let python = try pythonSeconds(
    """
    import json
    from pymatgen.analysis.phase_diagram import PatchedPhaseDiagram, PDEntry
    from pymatgen.core import Composition
    refs, queries = json.load(open(sys.argv[1]))
    refs = [PDEntry(Composition(c), e) for c, e in refs]
    queries = [PDEntry(Composition(c), e) for c, e in queries]
    start = time.perf_counter()
    pd = PatchedPhaseDiagram(refs)
    values = [pd.get_e_above_hull(q, allow_negative=True) for q in queries]
    print(time.perf_counter() - start, sum(values))
    """, arguments: [input.path])
  report(
    "entries", count: queries.count, ours: seconds, theirs: python[0],
    note: String(
      format: "Σ e_above_hull: ours %.9f, pymatgen %.9f", results.reduce(0, +), python[1]))
}

/// Prints one comparison line: rate of ours and theirs, and the speed-up.
func report(_ unit: String, count: Int, ours: Double, theirs: Double, note: String) {
  print(String(format: "CrystalRL: %.4f s (%.0f %@/s)", ours, Double(count) / ours, unit))
  print(String(format: "Python:    %.4f s (%.0f %@/s)", theirs, Double(count) / theirs, unit))
  print(String(format: "speed-up: %.1fx%@", theirs / ours, note.isEmpty ? "" : "  (\(note))"))
}

/// Runs a Python snippet (with `load(path, count)`, sys and time available) with the oracle
/// interpreter and returns the numbers it prints.
func pythonSeconds(_ body: String, arguments: [String]) throws -> [Double] {
  let prelude = "import sys, time\n" + DatasetSample.pythonLoader + "\n"
  return try PythonOracle.run(prelude + body, arguments: arguments)
    .split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
}

/// Scratch files for handing inputs to Python.
enum SharedScratch {
  static func write(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "crystalrl-bench-\(UUID().uuidString).json")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }
}
