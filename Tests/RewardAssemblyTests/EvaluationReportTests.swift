import CrystalConfig
import CrystalCore
import DNGMetricProviders
import Foundation
import ReferenceData
import RewardAssembly
import RewardPipeline
import Synchronization
import TestSupport
import XCTest

/// `crystalrl evaluate`'s numbers against the same definitions computed with pymatgen
/// (StructureMatcher for unique and novel, PhaseDiagram per chemical system for e_above_hull)
/// on real perov_5 structures with table energies.
final class EvaluationReportTests: XCTestCase {
  struct Oracle: Decodable {
    let batch: [OracleStructure]
    let references: [OracleStructure]
    let unique: [Bool]
    let novel: [Bool]
    let eAboveHull: [Double?]
  }

  func testAgainstPymatgen() throws {
    let source = SharedData.url("perov_5/val.csv")
    let records = try CDVAEDataset.read(source, limit: 240)
    let table = try SyntheticEnergies.table(records)
    // 40 structures (the last 15 also in the reference set) and perturbed copies of 6 of them
    // (same id, so same energy): duplicates, and known structures' near-copies.
    let oracle = try PythonOracle.json(
      Oracle.self,
      """
      import csv, json, sys
      from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
      from pymatgen.analysis.structure_matcher import StructureMatcher
      from pymatgen.core import Composition, Element
      \(DatasetSample.pythonLoader)
      \(OracleStructure.pythonDump)
      rows = load(sys.argv[1], 240)
      heat = {r["material_id"]: float(r["heat_all"]) for r in csv.DictReader(open(sys.argv[1]))}
      mu = lambda el: -1 - el.Z % 7
      energy = lambda i, s: sum(mu(site.specie) for site in s) + heat[i] * len(s)
      batch = rows[:40]
      for i, s in rows[:6]:
          copy = s.copy(); copy.perturb(0.02); batch.append((i, copy))
      references = rows[25:]
      sm = StructureMatcher()
      leaders = {id(g[0]) for g in sm.group_structures([s for _, s in batch])}
      unique = [id(s) in leaders for _, s in batch]
      novel = [not any(sm.fit(r, s) for _, r in references
                       if r.composition.reduced_formula == s.composition.reduced_formula)
               for _, s in batch]
      entries = [PDEntry(s.composition, energy(i, s)) for i, s in references]
      elements = {el for _, s in references for el in s.composition.elements}
      entries += [PDEntry(Composition({el: 1}), mu(el)) for el in elements]
      hull = []
      for i, s in batch:
          system = set(s.composition.elements)
          try:
              pd = PhaseDiagram([e for e in entries if set(e.composition.elements) <= system])
              hull.append(pd.get_e_above_hull(PDEntry(s.composition, energy(i, s)),
                                              allow_negative=True))
          except Exception:
              hull.append(None)
      print(json.dumps({"batch": [dump(s, i) for i, s in batch],
                        "references": [dump(s, i) for i, s in references],
                        "unique": unique, "novel": novel, "eAboveHull": hull}))
      """, arguments: [source.path])
    let batch = try oracle.batch.map { try $0.structure() }
    let reference = ReferenceSet(
      source: "perov_5 rows 25-239", sourceKey: 0x5EED_E7A1,
      structures: try oracle.references.map { try $0.structure() })
    var factory = RewardFactory(cacheDirectory: try SharedData.temporaryDirectory())
    let pipeline = try factory.makePipeline(
      try ConfigValue.parse(yaml: dngRewardYAML(reference: source, energies: table), source: "test")
    )
    let thresholds = EvaluationReport.Thresholds(stable: 0, metastable: 1.0)
    let report = try EvaluationReport(
      structures: batch, reference: ReferenceContext(reference: reference), pipeline: pipeline,
      energyAboveHull: try factory.energyAboveHull(
        reference: reference,
        calculator: try EnergyCalculatorSpec(
          ConfigNode(.string("table:\(table.path)"), path: "evaluation.energy_calculator"))),
      thresholds: thresholds)
    let verdicts = report.verdicts
    XCTAssertEqual(verdicts.map(\.unique), oracle.unique)
    XCTAssertEqual(verdicts.map(\.novel), oracle.novel)
    var worst = 0.0
    for (verdict, expected) in zip(verdicts, oracle.eAboveHull) {
      guard let expected, let ours = verdict.eAboveHull else {
        XCTAssertTrue(verdict.eAboveHull?.isNaN ?? false, "\(verdict.id): pymatgen has no hull")
        continue
      }
      worst = max(worst, abs(ours - expected))
      XCTAssertEqual(ours, expected, accuracy: 1e-9, verdict.id)
    }
    // (A metastable threshold of 1 eV/atom: the synthetic energies put most structures far
    // above the hull.) Stable and metastable from pymatgen's energies, and the summary's fractions from those.
    let stable = oracle.eAboveHull.map { ($0 ?? .nan) <= 1e-9 }
    let metastable = oracle.eAboveHull.map { ($0 ?? .nan) <= 1.0 + 1e-9 }
    XCTAssertEqual(verdicts.map(\.stable), stable)
    XCTAssertEqual(verdicts.map(\.metastable), metastable)
    let summary = Dictionary(uniqueKeysWithValues: report.summary.map { ($0.key, $0.value) })
    func fraction(_ flags: [Bool]) -> Double {
      Double(flags.filter { $0 }.count) / Double(flags.count)
    }
    let unn = zip(oracle.unique, oracle.novel).map { $0 && $1 }
    XCTAssertEqual(summary["unique"], fraction(oracle.unique))
    XCTAssertEqual(summary["novel"], fraction(oracle.novel))
    XCTAssertEqual(summary["stable"], fraction(stable))
    XCTAssertEqual(summary["sun"], fraction(zip(unn, stable).map { $0 && $1 }))
    XCTAssertEqual(summary["msun"], fraction(zip(unn, metastable).map { $0 && $1 }))
    XCTAssertEqual(
      report.summary.map(\.key),
      EvaluationReport.keys + [
        "reward_creativity", "reward_energy", "reward_structure_diversity",
        "reward_composition_diversity",
      ])
    print(
      "evaluate vs pymatgen on \(batch.count) perov_5 structures: e_above_hull within "
        + "\(worst) eV/atom; "
        + report.summary.prefix(11).map { "\($0.key) \($0.value ?? .nan)" }
        .joined(separator: ", "))
  }

  func testNoEnergiesLeavesEnergyKeysNull() throws {
    let pipeline = try rewardPipeline(
      "components: [{_target_: src.rl_module.components.CustomReward}]")
    let structures = Array(PrototypeLibrary.structures().prefix(3))
    let report = try EvaluationReport(
      structures: structures, reference: ReferenceContext(reference: .builtin), pipeline: pipeline,
      energyAboveHull: nil)
    let json = try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as! [String: Any]
    XCTAssertEqual(
      Set(json.keys), Set(EvaluationReport.keys + ["reward_atomic_density"]))
    XCTAssertEqual(json["structures"] as? Int, 3)
    XCTAssertEqual(json["novel"] as? Double, 0)
    for key in ["e_above_hull_mean", "stable", "sun", "msun"] {
      XCTAssertTrue(json[key] is NSNull, key)
    }
    XCTAssertEqual(report.perStructureCSV.split(separator: "\n").count, 4)
  }

  /// The reference set a reward's novelty uses and `evaluate`'s are one: loaded once, unique
  /// and novel taken from the pipeline, the same verdicts as computed apart.
  func testEvaluateSharesTheRewardsReferenceSet() throws {
    let loaded = Mutex<[String]>([])
    var factory = RewardFactory(
      log: { line in if line.hasPrefix("reference set") { loaded.withLock { $0.append(line) } } },
      cacheDirectory: try SharedData.temporaryDirectory())
    let pipeline = try factory.makePipeline(
      try ConfigValue.parse(
        yaml: """
          reference_dataset: builtin
          components: [{_target_: src.rl_module.components.CreativityReward}]
          """, source: "test"))
    let reference = try factory.reference(named: "builtin")
    XCTAssertTrue(try factory.reference(named: "builtin") === reference)
    XCTAssertTrue(
      (pipeline.metricRegistry.provider("novel") as? NovelMetric)?.context === reference)
    XCTAssertEqual(loaded.withLock { $0.count }, 1, "\(loaded.withLock { $0 })")
    let structures = Array(PrototypeLibrary.structures().prefix(6))
    let shared = try EvaluationReport(
      structures: structures + structures.prefix(2), reference: reference, pipeline: pipeline,
      energyAboveHull: nil)
    let apart = try EvaluationReport(
      structures: structures + structures.prefix(2),
      reference: ReferenceContext(reference: .builtin), pipeline: pipeline, energyAboveHull: nil)
    XCTAssertEqual(shared.verdicts.map(\.unique), apart.verdicts.map(\.unique))
    XCTAssertEqual(shared.verdicts.map(\.novel), apart.verdicts.map(\.novel))
    XCTAssertEqual(shared.verdicts.map(\.unique).filter { !$0 }.count, 2)
  }

  /// A repeated component name is labelled `#2` in every report (rule of `componentLabels`).
  func testRepeatedComponentNamesAreNumbered() throws {
    var factory = RewardFactory()
    let pipeline = try factory.makePipeline(
      try ConfigValue.parse(
        yaml: """
          components:
            - _target_: src.rl_module.components.CustomReward
            - _target_: src.rl_module.components.CustomReward
              target_density: 0.05
            - _target_: src.rl_module.components.CustomReward
          """, source: "test"))
    let structures = Array(PrototypeLibrary.structures().prefix(2))
    let report = try EvaluationReport(
      structures: structures, reference: ReferenceContext(reference: .builtin), pipeline: pipeline,
      energyAboveHull: nil)
    XCTAssertEqual(report.components, ["atomic_density", "target_density", "atomic_density#2"])
    XCTAssertEqual(try pipeline.score(structures).componentLabels, report.components)
  }
}
