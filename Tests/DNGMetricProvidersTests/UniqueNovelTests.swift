import CrystalCore
import DNGMetricProviders
import Foundation
import ReferenceData
import RewardPipeline
import TestSupport
import XCTest

/// unique and novel against the same definitions evaluated with pymatgen's StructureMatcher.
final class UniqueNovelTests: XCTestCase {
  struct Case: Decodable {
    let batch: [OracleStructure]
    let references: [OracleStructure]
    let unique: [Bool]
    let novel: [Bool]
  }

  func testAgainstPymatgen() throws {
    // A batch of carbon structures with duplicates (perturbed and re-ordered copies) and a
    // reference set that contains some of the batch's originals.
    let data = try PythonOracle.json(
      Case.self,
      """
      import json, random, sys
      from pymatgen.analysis.structure_matcher import StructureMatcher
      \(DatasetSample.pythonLoader)
      \(OracleStructure.pythonDump)
      random.seed(3)
      carbon = load(sys.argv[1], 160)
      perov = load(sys.argv[2], 40)
      batch = [s for _, s in carbon[:30]] + [s for _, s in perov[:10]]
      for s in batch[:6]:
          copy = s.copy(); copy.perturb(0.03); batch.append(copy)
      references = [s for _, s in carbon[20:160]] + [s for _, s in perov[5:40]]
      sm = StructureMatcher()
      groups = sm.group_structures(batch)
      leaders = {id(g[0]) for g in groups}
      unique = [id(s) in leaders for s in batch]
      novel = [not any(sm.fit(r, s) for r in references
                       if r.composition.reduced_formula == s.composition.reduced_formula)
               for s in batch]
      print(json.dumps({"batch": [dump(s, i) for i, s in enumerate(batch)],
                        "references": [dump(s, i) for i, s in enumerate(references)],
                        "unique": unique, "novel": novel}))
      """,
      arguments: [SharedData.url("carbon_24/val.csv").path, SharedData.url("perov_5/val.csv").path])
    let batch = StructureBatch(try data.batch.map { try $0.structure() })
    let reference = ReferenceSet(
      source: "test", sourceKey: 1, structures: try data.references.map { try $0.structure() })
    let context = ReferenceContext(reference: reference)
    let unique = try UniqueMetric(context: context).compute(batch, metrics: [:]).values.map {
      $0 == 1
    }
    let novel = try NovelMetric(context: context).compute(batch, metrics: [:]).values.map {
      $0 == 1
    }
    let uniqueAgree = zip(unique, data.unique).filter { $0 == $1 }.count
    let novelAgree = zip(novel, data.novel).filter { $0 == $1 }.count
    print(
      "unique vs pymatgen: \(uniqueAgree)/\(batch.count) agree (\(data.unique.filter { !$0 }.count) duplicates); "
        + "novel: \(novelAgree)/\(batch.count) agree (\(data.novel.filter { !$0 }.count) known)")
    XCTAssertEqual(unique, data.unique)
    XCTAssertEqual(novel, data.novel)
  }
}
