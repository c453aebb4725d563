import CrystalConfig
import CrystalCore
import DNGAlgorithms
import DNGMetricProviders
import Foundation
import LocalCache
import ReferenceData
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// `hull_references`: the hull enriched with prototype entries (energies from a table that
/// has only some of them) and a user CSV, against pymatgen's PhaseDiagram on the same entries.
final class EnrichedHullTests: XCTestCase {
  struct Oracle: Decodable {
    let base: [Double?]
    let enriched: [Double?]
  }

  func testEnrichedHullAgainstPymatgen() throws {
    let directory = try SharedData.temporaryDirectory()
    let records = try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 240)
    let batch = records.prefix(40).map(\.structure)
    let references = records[25...].map(\.structure)
    let referenceFile = directory.appendingPathComponent("reference.csv")
    try CDVAEDataset.csv(references).write(to: referenceFile, atomically: true, encoding: .utf8)

    // Table energies: the dataset rows and elemental prototypes (SyntheticEnergies), plus two
    // thirds of the binary and ternary decorations of the batch's systems, placed below their
    // elements by up to 1.2 eV/atom; the other third is missing from the table.
    func mu(_ composition: Composition) -> Double {
      composition.counts.reduce(0) {
        $0 + SyntheticEnergies.chemicalPotential($1.key) * Double($1.value)
      }
    }
    var lines = try String(contentsOf: SyntheticEnergies.table(records), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    var expected: [(Composition, Double)] = []
    let systems = Set(batch.map(\.composition.elements))
    var groups = Set<[Element]>()
    for system in systems {
      for i in system.indices {
        for j in system.indices where j > i {
          groups.insert([system[i], system[j]])
          for k in system.indices where k > j { groups.insert([system[i], system[j], system[k]]) }
        }
      }
    }
    for group in groups {
      for structure in PrototypeHullEntries.decorations(group) {
        let hash = stableKey(structure.id)
        guard hash % 3 != 0 else { continue }
        let energy = mu(structure.composition) - 0.3 * Double(hash % 5) * Double(structure.count)
        lines.append("\(structure.id),\(energy)")
        expected.append((structure.composition, energy))
      }
    }
    let table = directory.appendingPathComponent("energies.csv")
    try lines.joined(separator: "\n").write(to: table, atomically: true, encoding: .utf8)
    // A user file: an A2X entry for the first systems, 0.9 eV/atom below its elements.
    var userLines = ["material_id,composition,energy_per_atom"]
    for (index, system) in systems.sorted(by: { $0.lexicographicallyPrecedes($1) }).prefix(8)
      .enumerated()
    {
      let composition = Composition(counts: [system[0]: 2, system.last!: 1])
      let perAtom = mu(composition) / 3 - 0.9
      userLines.append("user-\(index),\(composition.formula),\(perAtom)")
      expected.append((composition, perAtom * 3))
    }
    let userFile = directory.appendingPathComponent("entries.csv")
    try userLines.joined(separator: "\n").write(to: userFile, atomically: true, encoding: .utf8)

    var factory = RewardFactory(cacheDirectory: directory.appendingPathComponent("cache"))
    let reference = try factory.reference(named: referenceFile.path).reference
    let calculator = try EnergyCalculatorSpec(
      ConfigNode(.string("table:\(table.path)"), path: "evaluation.energy_calculator"))
    let enriched = try factory.energyAboveHull(
      reference: reference, calculator: calculator,
      hullReferences: HullReferences(sources: [.prototypes, .entries(path: userFile.path)]))
    let base = try factory.energyAboveHull(reference: reference, calculator: calculator)
    let ours = try enriched.compute(StructureBatch(batch), metrics: [:]).values
    let ourBase = try base.compute(StructureBatch(batch), metrics: [:]).values

    // The same through the reward config, as train-rl and evaluate read it.
    let pipeline = try factory.makePipeline(
      try ConfigValue.parse(
        yaml: """
          reference_dataset: \(referenceFile.path)
          energy_calculator: table:\(table.path)
          hull_references: [prototypes, "csv:\(userFile.path)"]
          components: [{_target_: src.rl_module.components.EnergyReward}]
          """, source: "test"))
    let fromConfig = try XCTUnwrap(try pipeline.score(batch).metrics["e_above_hull"]).values

    func json(_ composition: Composition) -> String {
      "{" + composition.counts.map { "\"\($0.key.symbol)\": \($0.value)" }.joined(separator: ", ")
        + "}"
    }
    let energies = Dictionary(
      uniqueKeysWithValues: records.map { ($0.id, SyntheticEnergies.energy(of: $0)) })
    let input =
      "{\"references\": ["
      + references.map { "[\(json($0.composition)), \(energies[$0.id]!)]" }.joined(separator: ",")
      + "], \"extra\": ["
      + expected.map { "[\(json($0.0)), \($0.1)]" }.joined(separator: ",")
      + "], \"batch\": ["
      + batch.map { "[\(json($0.composition)), \(energies[$0.id]!)]" }.joined(separator: ",")
      + "]}"
    let oracle = try PythonOracle.json(
      Oracle.self,
      """
      import json, sys
      from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
      from pymatgen.core import Composition, Element
      data = json.load(sys.stdin)
      mu = lambda el: -1 - el.Z % 7
      entry = lambda pair: PDEntry(Composition(pair[0]), pair[1])
      references = [entry(p) for p in data["references"]]
      elements = {el for e in references for el in e.composition.elements}
      references += [PDEntry(Composition({el: 1}), mu(el)) for el in elements]
      batch = [entry(p) for p in data["batch"]]
      # With prototypes, an element of the batch the references lack gets its elemental entry.
      batch_elements = {el for e in batch for el in e.composition.elements}
      extra = [entry(p) for p in data["extra"]]
      extra += [PDEntry(Composition({el: 1}), mu(el)) for el in batch_elements - elements]
      def hull(entries):
          values = []
          for e in batch:
              system = set(e.composition.elements)
              try:
                  pd = PhaseDiagram([r for r in entries if set(r.composition.elements) <= system])
                  values.append(pd.get_e_above_hull(e, allow_negative=True))
              except Exception:
                  values.append(None)
          return values
      print(json.dumps({"base": hull(references), "enriched": hull(references + extra)}))
      """, input: input)

    var changed = 0
    var raised = 0
    for index in batch.indices {
      let id = batch[index].id
      guard let expectedBase = oracle.base[index] else {
        XCTAssertTrue(ourBase[index].isNaN, "\(id): pymatgen has no base hull")
        continue
      }
      XCTAssertEqual(ourBase[index], expectedBase, accuracy: 1e-9, id)
      let expectedEnriched = try XCTUnwrap(oracle.enriched[index], id)
      XCTAssertEqual(ours[index], expectedEnriched, accuracy: 1e-9, id)
      XCTAssertEqual(fromConfig[index], ours[index], id)
      if (expectedBase <= 1e-9) != (expectedEnriched <= 1e-9) { changed += 1 }
      if expectedEnriched > expectedBase + 1e-6 { raised += 1 }
    }
    // The prototypes lie below the elements, so the enriched hull is lower for most of the
    // batch, and some structures on the reference hull are no longer on it.
    XCTAssertGreaterThan(changed, 0)
    XCTAssertGreaterThan(raised, batch.count / 2)
    XCTAssertGreaterThan(oracle.base.compactMap { $0 }.count, 30)
    print(
      "enriched hull vs pymatgen on \(batch.count) perov_5 structures: \(raised) higher above "
        + "the hull, \(changed) change stability")
  }

  func testBadSettingsAreErrorsNamingTheKey() throws {
    for setting in ["[elements]", "'csv:'", "3", "[prototypes, {a: 1}]"] {
      assertConfigurationError([
        "reward_fn.hull_references entries must be `prototypes` or csv:PATH"
      ]) {
        _ = try rewardPipeline(
          """
          hull_references: \(setting)
          components: [{_target_: src.rl_module.components.CustomReward}]
          """)
      }
    }
    for setting in ["[]", "null", "none", "prototypes", "[prototypes, csv:a.csv]"] {
      XCTAssertNoThrow(
        try HullReferences(
          ConfigNode(
            try ConfigValue.parse(yaml: "v: \(setting)", source: "test").value(at: "v"), path: "k")),
        setting)
    }
    XCTAssertEqual(
      try HullReferences(
        ConfigNode(.list([.string("prototypes"), .string("csv:a.csv")]), path: "k")
      )
      .sources,
      [.prototypes, .entries(path: "a.csv")])
  }
}
