import CrystalCore
import DNGAlgorithms
import EnergyCalculation
import Foundation
import LocalCache
import ReferenceData

/// The phase-diagram entries of a reference set: every reference structure's energy from the
/// run's calculator, plus elemental references for elements the set has no elemental phase
/// of (perov_5 has none), the lowest of each element's relaxed prototypes
/// (`ElementalReferences`). Both are cached on disk next to the reference archive when the
/// calculator is worth caching.
public enum ReferenceEnergies {
  public static func entries(
    for reference: ReferenceSet, calculator: EnergyCalculator, cache: ValueCache,
    log: @escaping (String) -> Void = { _ in }
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
    let entries = zip(reference.structures, energies).map {
      PhaseEntry(composition: $0.composition, energy: $1)
    }
    let elements = Set(reference.structures.flatMap(\.elements))
    let covered = Set(
      entries.filter { $0.composition.counts.count == 1 && $0.energy.isFinite }
        .flatMap(\.composition.elements))
    let missing = elements.subtracting(covered).sorted()
    guard !missing.isEmpty else { return entries }
    return entries
      + (try ElementalReferences(calculator: calculator, cache: cache, log: log)
        .lowestEntries(missing))
  }
}
