import CrystalCore
import DNGAlgorithms
import Foundation
import TestSupport
import XCTest

/// e_above_hull against pymatgen's PhaseDiagram on the same entries.
final class PhaseDiagramTests: XCTestCase {
  struct EntrySpec: Codable {
    let formula: [String: Int]
    let energy: Double
  }

  func composition(_ counts: [String: Int]) -> Composition {
    Composition(
      counts: Dictionary(uniqueKeysWithValues: counts.map { (Element(symbol: $0.key)!, $0.value) }))
  }

  /// pymatgen's e_above_hull (allow_negative) of each query against the references of its
  /// chemical system; null where pymatgen cannot build the diagram.
  func pymatgen(_ references: [EntrySpec], _ queries: [EntrySpec]) throws -> [Double?] {
    let input = String(decoding: try JSONEncoder().encode([references, queries]), as: UTF8.self)
    return try PythonOracle.json(
      [Double?].self,
      """
      import json, sys, warnings
      warnings.filterwarnings("ignore")
      from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
      from pymatgen.core import Composition
      refs, queries = json.load(sys.stdin)
      refs = [PDEntry(Composition(r["formula"]), r["energy"]) for r in refs]
      out = []
      for q in queries:
          entry = PDEntry(Composition(q["formula"]), q["energy"])
          system = set(entry.composition.elements)
          members = [r for r in refs if set(r.composition.elements) <= system]
          try:
              pd = PhaseDiagram(members)
              out.append(pd.get_e_above_hull(entry, allow_negative=True))
          except Exception:
              out.append(None)
      print(json.dumps(out))
      """, input: input)
  }

  func compare(
    _ references: [EntrySpec], _ queries: [EntrySpec], file: StaticString = #filePath,
    line: UInt = #line
  ) throws -> Double {
    let diagram = PhaseDiagram(
      references: references.map {
        PhaseEntry(composition: composition($0.formula), energy: $0.energy)
      })
    let expected = try pymatgen(references, queries)
    var worst = 0.0
    for (query, reference) in zip(queries, expected) {
      let ours = diagram.energyAboveHull(
        PhaseEntry(composition: composition(query.formula), energy: query.energy))
      guard let reference else {
        XCTAssertTrue(
          ours.isNaN, "pymatgen has no hull for \(query.formula), we gave \(ours)", file: file,
          line: line)
        continue
      }
      worst = max(worst, abs(ours - reference))
      XCTAssertEqual(ours, reference, accuracy: 1e-6, "\(query.formula)", file: file, line: line)
    }
    return worst
  }

  func testDegenerateCases() throws {
    let references: [EntrySpec] = [
      .init(formula: ["Fe": 1], energy: -8.0), .init(formula: ["Fe": 2], energy: -15.0),
      .init(formula: ["O": 2], energy: -9.0),
      // FeO on the hull, Fe3O4 exactly on the FeO-Fe2O3 line (collinear), Fe2O3 on the hull.
      .init(formula: ["Fe": 1, "O": 1], energy: -13.0),
      .init(formula: ["Fe": 2, "O": 3], energy: -35.0),
      .init(formula: ["Fe": 3, "O": 4], energy: -13.0 - 35.0),
      .init(formula: ["Fe": 1, "O": 2], energy: -15.0),
    ]
    let queries: [EntrySpec] = [
      .init(formula: ["Fe": 1], energy: -8.0),  // single element, on the hull
      .init(formula: ["Fe": 4], energy: -30.0),  // single element, above
      .init(formula: ["O": 1], energy: -5.0),  // single element, below
      .init(formula: ["Fe": 1, "O": 1], energy: -13.0),  // on the hull
      .init(formula: ["Fe": 3, "O": 4], energy: -48.0),  // on a collinear segment
      .init(formula: ["Fe": 2, "O": 3], energy: -36.0),  // below the hull
      .init(formula: ["Fe": 1, "O": 3], energy: -12.0),  // above
      .init(formula: ["Fe": 1, "Co": 1], energy: -10.0),  // no Co reference: NaN
    ]
    let worst = try compare(references, queries)
    print("phase diagram degenerate cases vs pymatgen: max |Δ| \(worst) eV/atom")
  }

  func testPerovskitesAndQuaternaries() throws {
    // Perovskite compositions with their formation heats on top of seeded elemental energies.
    let records = try CDVAEDataset.read(SharedData.url("perov_5/val.csv"))
    var chemicalPotential: [String: Double] = [:]
    var seed: UInt64 = 42
    func next() -> Double {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(seed >> 11) / Double(1 << 53)
    }
    var references: [EntrySpec] = []
    for element in Set(records.flatMap { $0.structure.elements }).sorted() {
      chemicalPotential[element.symbol] = -1 - 8 * next()
      references.append(
        .init(formula: [element.symbol: 1], energy: chemicalPotential[element.symbol]!))
    }
    var queries: [EntrySpec] = []
    for (index, record) in records.enumerated() {
      let counts = Dictionary(
        uniqueKeysWithValues: record.structure.composition.counts.map { ($0.key.symbol, $0.value) })
      let heat = Double(record.columns["heat_all"] ?? "") ?? 0
      let base = counts.reduce(0.0) { $0 + chemicalPotential[$1.key]! * Double($1.value) }
      let energy = base + heat * Double(record.structure.count)
      if index % 2 == 0 { references.append(.init(formula: counts, energy: energy)) }
      if index % 5 == 0 {
        queries.append(.init(formula: counts, energy: energy + 0.3 * (next() - 0.5)))
      }
    }
    // A quaternary system with random binaries and ternaries.
    let elements = ["Li", "Fe", "P", "O"]
    for element in elements where chemicalPotential[element] == nil {
      chemicalPotential[element] = -2
      references.append(.init(formula: [element: 1], energy: -2))
    }
    for _ in 0..<60 {
      let counts = Dictionary(uniqueKeysWithValues: elements.map { ($0, Int(next() * 4)) }).filter {
        $0.value > 0
      }
      guard counts.count > 1 else { continue }
      let atoms = Double(counts.values.reduce(0, +))
      let base = counts.reduce(0.0) { $0 + chemicalPotential[$1.key]! * Double($1.value) }
      let entry = EntrySpec(formula: counts, energy: base - atoms * 1.5 * next())
      if queries.count % 3 == 0 { queries.append(entry) } else { references.append(entry) }
    }
    let worst = try compare(references, queries)
    print(
      "phase diagram vs pymatgen: \(queries.count) entries, \(references.count) references, max |Δ| \(worst) eV/atom"
    )
  }
}
