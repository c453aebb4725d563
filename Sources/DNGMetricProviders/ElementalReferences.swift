import CrystalCore
import DNGAlgorithms
import EnergyCalculation
import Foundation
import ProgressReporting
import ReferenceData

/// Elemental references of the hull: each element's elemental prototypes (fcc, bcc, hcp,
/// diamond, ...; `PrototypeHullEntries.decorations([element])`) relaxed with the run's
/// calculator. What `ReferenceEnergies` adds for elements a reference set has no elemental
/// phase of, and what `PrototypeHullEntries` adds for elements a hull lacks.
///
/// Each element is cached on disk on its own (`elemental-<symbol>-<geometry key>-<calculator
/// key>`), keyed by its decorated geometries and the calculator, so meeting one new element
/// relaxes that element's prototypes only. With a calculator that is not worth caching (an
/// energy table) nothing is cached: a prototype's energy is the table's for its id.
public struct ElementalReferences {
  let calculator: EnergyCalculator
  let cache: ValueCache
  let log: (String) -> Void

  public init(
    calculator: EnergyCalculator, cache: ValueCache, log: @escaping (String) -> Void = { _ in }
  ) {
    self.calculator = calculator
    self.cache = cache
    self.log = log
  }

  /// Every elemental prototype of `elements` with a finite energy, as a phase entry.
  public func entries(_ elements: [Element]) throws -> [PhaseEntry] {
    try relaxed(elements).flatMap { element in
      zip(element.structures, element.perAtom).filter { $0.1.isFinite }.map {
        PhaseEntry(composition: $0.composition, energy: $1 * Double($0.count))
      }
    }
  }

  /// The lowest-energy elemental prototype of each of `elements` (none for an element whose
  /// every relaxation failed), as a phase entry.
  public func lowestEntries(_ elements: [Element]) throws -> [PhaseEntry] {
    try relaxed(elements).compactMap { element in
      element.perAtom.filter(\.isFinite).min().map {
        PhaseEntry(composition: Composition([element.element]), energy: $0)
      }
    }
  }

  /// Each element's prototypes and their energies per atom (NaN where a relaxation failed),
  /// from the cache where it has them, relaxed (and cached) otherwise.
  private func relaxed(_ elements: [Element]) throws -> [(
    element: Element, structures: [Structure], perAtom: [Double]
  )] {
    let work = elements.map { element in
      CachedRelaxations(
        "elemental-\(element.symbol)", structures: PrototypeHullEntries.decorations([element]),
        calculator: calculator)
    }
    var perAtom = work.map { $0.cached(in: cache) }
    let missing = perAtom.indices.filter { perAtom[$0] == nil }
    if !missing.isEmpty {
      log(
        "relaxing elemental prototypes for \(missing.count) elements with "
          + "\(calculator.identifier) (\(work.count - missing.count) cached)")
      let progress = ProgressReporter("elemental relaxations", total: missing.count)
      // Element by element, each cached as soon as it is done, so an interrupted run keeps it.
      for index in missing {
        perAtom[index] = work[index].relax(work[index].structures)
        try work[index].store(perAtom[index]!, in: cache)
        progress.advance()
      }
      progress.finish()
    }
    return elements.indices.map { (elements[$0], work[$0].structures, perAtom[$0]!) }
  }
}
