import CrystalCore
import DNGAlgorithms
import EnergyCalculation
import Foundation
import ReferenceData
import Synchronization
import TestSupport
import XCTest

@testable import DNGMetricProviders

/// Prototype hull entries (decorations, on-disk cache, incremental growth, energy tables) and
/// user hull-entry files.
final class HullReferenceTests: XCTestCase {
  /// A calculator that counts relaxations; energies follow from composition and volume.
  final class CountingCalculator: EnergyCalculator {
    let identifier: String
    private let relaxed = Atomic<Int>(0)
    var relaxations: Int { relaxed.load(ordering: .relaxed) }

    init(identifier: String = "counting") { self.identifier = identifier }

    func totalEnergies(_ structures: [Structure]) -> [Double] {
      structures.map { structure in
        structure.elements.reduce(0) { $0 - 1 - Double($1.z % 7) } - 0.01 * structure.volume
      }
    }

    func relax(_ structures: [Structure]) -> [(structure: Structure, energy: Double)?] {
      relaxed.add(structures.count, ordering: .relaxed)
      return zip(structures, totalEnergies(structures)).map { ($0, $1 - 0.1) }
    }
  }

  let na = Element(symbol: "Na")!
  let cl = Element(symbol: "Cl")!
  let k = Element(symbol: "K")!

  func testDecorationsCoverEveryRoleOrderOnce() {
    let pair = PrototypeHullEntries.decorations([na, cl])
    let ids = pair.map(\.id)
    // Rock salt NaCl and ClNa are one structure; fluorite gives both NaCl2 and Na2Cl (the
    // latter is antifluorite, kept once).
    XCTAssertEqual(ids.filter { $0.hasPrefix("hypothetical:rocksalt:") }.count, 1, "\(ids)")
    let formulas = Set(pair.map(\.composition.reducedFormula))
    XCTAssertTrue(
      formulas.isSuperset(of: ["NaCl", "NaCl2", "Na2Cl", "NaCl3", "Na3Cl"]), "\(formulas)")
    XCTAssertEqual(
      pair.filter { $0.composition.reducedFormula == "Na2Cl" && $0.id.contains("fluorite") }
        .count, 1, "\(ids)")
    XCTAssertEqual(
      Set(ids).count + pair.filter { $0.id.contains("nickel-arsenide") }.count - 1,
      ids.count, "only the two NiAs orders share an id: \(ids)")
    // Ternaries: perovskite in all 6 orders (which element is X, and A/B exchanged).
    let triple = PrototypeHullEntries.decorations([na, cl, k])
    XCTAssertEqual(triple.filter { $0.id.contains("perovskite") }.count, 6)
    XCTAssertTrue(triple.allSatisfy { $0.composition.elements.count == 3 })
    XCTAssertEqual(PrototypeHullEntries.decorations([na]).count, PrototypeCatalog.elemental.count)
  }

  func testEntriesAreCachedPerElementGroupAndGrowIncrementally() throws {
    let directory = try SharedData.temporaryDirectory()
    let cache = ValueCache(directory: directory)
    let calculator = CountingCalculator()
    let first = PrototypeHullEntries(calculator: calculator, cache: cache, log: { _ in })
    let entries = try first.newEntries(systems: [[na, cl]], lacking: [])
    let pairCount = PrototypeHullEntries.decorations([na, cl]).count
    XCTAssertEqual(calculator.relaxations, pairCount)
    XCTAssertEqual(entries.count, pairCount)
    // Met again: nothing new.
    XCTAssertTrue(try first.newEntries(systems: [[na, cl]], lacking: []).isEmpty)
    // A ternary system adds its other pairs and the triple, not Na-Cl again.
    let grown = try first.newEntries(systems: [[na, cl, k]], lacking: [k])
    let expected = [[na, k], [cl, k], [na, cl, k], [k]].map {
      PrototypeHullEntries.decorations($0).count
    }.reduce(0, +)
    XCTAssertEqual(grown.count, expected)
    XCTAssertEqual(calculator.relaxations, pairCount + expected)

    // A new instance on the same cache relaxes nothing and gives the same entries.
    let again = CountingCalculator()
    let second = PrototypeHullEntries(calculator: again, cache: cache, log: { _ in })
    let cached = try second.newEntries(systems: [[na, cl, k]], lacking: [k])
    XCTAssertEqual(again.relaxations, 0)
    XCTAssertEqual(
      Set(cached.map { "\($0.composition.formula) \($0.energy)" }),
      Set((entries + grown).map { "\($0.composition.formula) \($0.energy)" }))
    // Another calculator does not take the cached values.
    let other = CountingCalculator(identifier: "other")
    _ = try PrototypeHullEntries(calculator: other, cache: cache, log: { _ in })
      .newEntries(systems: [[na, cl]], lacking: [])
    XCTAssertEqual(other.relaxations, pairCount)
  }

  /// Elemental references are cached per element: a new element relaxes only its prototypes.
  func testElementalReferencesRelaxOnlyANewElement() throws {
    let cache = ValueCache(directory: try SharedData.temporaryDirectory())
    let elementalCount = PrototypeHullEntries.decorations([na]).count
    let calculator = CountingCalculator()
    let first = try ElementalReferences(calculator: calculator, cache: cache).entries([na, cl])
    XCTAssertEqual(calculator.relaxations, 2 * elementalCount)
    XCTAssertEqual(first.count, 2 * elementalCount)

    let again = CountingCalculator()
    let lowest = try ElementalReferences(calculator: again, cache: cache)
      .lowestEntries([na, cl, k])
    XCTAssertEqual(again.relaxations, PrototypeHullEntries.decorations([k]).count, "K only")
    XCTAssertEqual(
      lowest.map(\.composition), [Composition([na]), Composition([cl]), Composition([k])])
    for element in [na, cl] {
      XCTAssertEqual(
        lowest.first { $0.composition == Composition([element]) }?.energy,
        first.filter { $0.composition.elements == [element] }.map(\.energyPerAtom).min())
    }
  }

  /// A reference set without elemental phases gets the lowest elemental prototype of each of
  /// its elements; a set with one more element relaxes that element only.
  func testReferenceEnergiesRelaxOnlyANewElement() throws {
    let cache = ValueCache(directory: try SharedData.temporaryDirectory())
    let salt = try XCTUnwrap(PrototypeCatalog.binary[0].decorate([na, cl]))
    let potassium = try XCTUnwrap(PrototypeCatalog.binary[0].decorate([k, cl]))
    let calculator = CountingCalculator()
    let entries = try ReferenceEnergies.entries(
      for: ReferenceSet(source: "salt", sourceKey: 1, structures: [salt]), calculator: calculator,
      cache: cache)
    XCTAssertEqual(calculator.relaxations, 2 * PrototypeHullEntries.decorations([na]).count)
    XCTAssertEqual(entries.count, 3)
    let again = CountingCalculator()
    let grown = try ReferenceEnergies.entries(
      for: ReferenceSet(source: "salts", sourceKey: 2, structures: [salt, potassium]),
      calculator: again, cache: cache)
    XCTAssertEqual(again.relaxations, PrototypeHullEntries.decorations([k]).count, "K only")
    XCTAssertEqual(
      Set(grown.filter { $0.composition.counts.count == 1 }.map(\.composition)),
      [Composition([na]), Composition([cl]), Composition([k])])
  }

  func testEnergyTableGivesOnlyItsEntriesAndCachesNothing() throws {
    let directory = try SharedData.temporaryDirectory()
    let decorations = PrototypeHullEntries.decorations([na, cl])
    let table = directory.appendingPathComponent("energies.csv")
    try "id,energy_per_atom\n\(decorations[0].id),-3.5\n\(decorations[2].id),-2.25\n"
      .write(to: table, atomically: true, encoding: .utf8)
    let cacheDirectory = directory.appendingPathComponent("cache")
    let prototypes = PrototypeHullEntries(
      calculator: try TableEnergyCalculator(url: table),
      cache: ValueCache(directory: cacheDirectory), log: { _ in })
    let entries = try prototypes.newEntries(systems: [[na, cl]], lacking: [])
    XCTAssertEqual(
      entries.map(\.energyPerAtom), [-3.5, -2.25])
    XCTAssertEqual(
      entries.map(\.composition), [decorations[0].composition, decorations[2].composition])
    XCTAssertFalse(FileManager.default.fileExists(atPath: cacheDirectory.path))
  }

  func testReferenceHullAddsSystemsAsBatchesMeetThem() throws {
    let references = [
      PhaseEntry(composition: Composition([na]), energy: -1),
      PhaseEntry(composition: Composition([cl]), energy: -2),
    ]
    let plain = ReferenceHull(references: references)
    let calculator = CountingCalculator()
    let hull = ReferenceHull(
      references: references,
      prototypes: PrototypeHullEntries(
        calculator: calculator, cache: ValueCache(directory: try SharedData.temporaryDirectory()),
        log: { _ in }))
    let salt = try XCTUnwrap(PrototypeCatalog.binary[0].decorate([na, cl]))
    let entry = PhaseEntry(composition: salt.composition, energy: -1.6 * Double(salt.count))
    XCTAssertEqual(
      try plain.diagram(covering: [salt]).energyAboveHull(entry), -0.1, accuracy: 1e-12)
    let enriched = try hull.diagram(covering: [salt])
    XCTAssertEqual(hull.entryCount, 2 + PrototypeHullEntries.decorations([na, cl]).count)
    // The counting calculator puts rock salt NaCl itself below -1.5 eV/atom.
    let hullEnergy = try XCTUnwrap(enriched.hullEnergyPerAtom(salt.composition))
    XCTAssertLessThan(hullEnergy, -1.5)
    XCTAssertEqual(enriched.energyAboveHull(entry), -1.6 - hullEnergy, accuracy: 1e-12)
    _ = try hull.diagram(covering: [salt])
    XCTAssertEqual(calculator.relaxations, PrototypeHullEntries.decorations([na, cl]).count)
  }

  func testHullEntryFileReadsTotalAndPerAtomEnergies() throws {
    let directory = try SharedData.temporaryDirectory()
    let perAtom = directory.appendingPathComponent("per_atom.csv")
    try
      "material_id,composition,energy_per_atom\nmp-1,Fe2O3,-6.5\nmp-2,\"Fe1 O1\",-7\n\nmp-3,O2,-4.9\n"
      .write(to: perAtom, atomically: true, encoding: .utf8)
    let entries = try HullEntryFile.read(perAtom)
    XCTAssertEqual(entries.map(\.composition.formula), ["Fe2O3", "FeO", "O2"])
    XCTAssertEqual(entries.map(\.energy), [-32.5, -14, -9.8])
    let total = directory.appendingPathComponent("total.csv")
    try "formula,energy,energy_per_atom\nFe2O3,-30,-6\n".write(
      to: total, atomically: true, encoding: .utf8)
    XCTAssertEqual(try HullEntryFile.read(total).map(\.energy), [-30])
  }

  func testHullEntryFileErrorsNameTheFileAndRow() throws {
    let directory = try SharedData.temporaryDirectory()
    // (file, the row after the file's path in the location, what the message says)
    let cases: [(String, String?, String)] = [
      ("id,energy\nmp-1,-3\n", nil, "needs a `composition` (or `formula`) column"),
      ("composition,energy_pa\nFe,-3\n", nil, "needs an `energy`"),
      (
        "composition,energy\nFe,-3\nO2,nan\n", "row 2 (line 3)",
        "energy 'nan' of O2 is not a finite"
      ),
      ("composition,energy\nFe,-3\n\nXx2O3,-10\n", "row 2 (line 4)", "unknown element 'Xx'"),
      ("composition,energy\nFe0.5O,-3\n", "row 1 (line 2)", "formula 'Fe0.5O'"),
      ("composition,energy\nFe,-3,7\n", "row 1 (line 2)", "expected 2 fields, got 3"),
      ("composition,energy\nFe,\n", "row 1 (line 2)", "energy '' of Fe"),
      ("", nil, "hull entry file is empty"),
    ]
    for (index, (text, row, message)) in cases.enumerated() {
      let url = directory.appendingPathComponent("entries\(index).csv")
      try text.write(to: url, atomically: true, encoding: .utf8)
      assertParseError(at: url.path + (row.map { ": \($0)" } ?? ""), containing: message) {
        _ = try HullEntryFile.read(url)
      }
    }
  }
}
