import CrystalCore
import DNGMetrics
import EnergyCalculation
import Foundation
import LocalCache
import ProgressReporting
import ReferenceData

/// The phase-diagram entries of a reference set: every reference structure's energy from the
/// run's calculator, plus elemental references for elements the set has no elemental phase
/// of (perov_5 has none), taken from elemental prototypes (fcc, bcc, hcp, diamond) relaxed
/// with the same calculator. Both are cached on disk next to the reference archive when the
/// calculator is worth caching.
public enum ReferenceEnergies {
  public static func entries(
    for reference: ReferenceSet, calculator: EnergyCalculator, cache: ValueCache,
    log: (String) -> Void = { _ in }
  ) throws -> [PhaseEntry] {
    let calculatorKey = stableKey(calculator.identifier)
    let name =
      "energies-\(String(reference.sourceKey, radix: 16))-\(String(calculatorKey, radix: 16))"
    let energies: [Double]
    if calculator.worthCaching,
      let cached = cache.read(name, key: reference.sourceKey ^ calculatorKey),
      cached.count == reference.structures.count
    {
      energies = cached
    } else {
      log(
        "computing \(reference.structures.count) reference energies with \(calculator.identifier)")
      energies = calculator.totalEnergiesShowingProgress(
        reference.structures, label: "reference energies")
      if calculator.worthCaching {
        try cache.write(name, key: reference.sourceKey ^ calculatorKey, values: energies)
      }
    }
    var entries = zip(reference.structures, energies).map {
      PhaseEntry(composition: $0.composition, energy: $1)
    }
    let elements = Set(reference.structures.flatMap(\.elements))
    let covered = Set(
      entries.filter { $0.composition.counts.count == 1 && $0.energy.isFinite }
        .flatMap(\.composition.elements))
    let missing = elements.subtracting(covered).sorted()
    guard !missing.isEmpty else { return entries }
    // Keyed by the prototypes themselves, so a change of prototype geometry recomputes them.
    let prototypes = missing.map { element in
      PrototypeCatalog.elemental.compactMap { $0.decorate([element]) }
    }
    let signature = prototypes.joined().map { "\($0.id):\($0.volume)" }.joined(separator: ";")
    let elementalName =
      "elemental-\(String(stableKey(signature), radix: 16))-\(String(calculatorKey, radix: 16))"
    let perAtom: [Double]
    if calculator.worthCaching, let cached = cache.read(elementalName, key: calculatorKey),
      cached.count == missing.count
    {
      perAtom = cached
    } else {
      log(
        "relaxing elemental prototypes for \(missing.count) elements with \(calculator.identifier)")
      let progress = ProgressReporter("elemental relaxations", total: missing.count)
      perAtom = prototypes.map { prototypes in
        defer { progress.advance() }
        return lowestEnergyPerAtom(calculator.relax(prototypes))
      }
      progress.finish()
      if calculator.worthCaching {
        try cache.write(elementalName, key: calculatorKey, values: perAtom)
      }
    }
    for (element, energy) in zip(missing, perAtom) where energy.isFinite {
      entries.append(PhaseEntry(composition: Composition([element]), energy: energy))
    }
    return entries
  }

  /// The lowest energy per atom among relaxation results (NaN if none succeeded).
  static func lowestEnergyPerAtom(_ results: [(structure: Structure, energy: Double)?]) -> Double {
    results.compactMap { result in result.map { $0.energy / Double($0.structure.count) } }.min()
      ?? .nan
  }
}
