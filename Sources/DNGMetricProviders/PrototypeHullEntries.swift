import CrystalCore
import DNGAlgorithms
import EnergyCalculation
import Foundation
import ProgressReporting
import ReferenceData
import StructureMatching

/// Hull entries from the built-in prototypes (`hull_references: [prototypes]`): for each
/// chemical system a batch touches, the binary and ternary prototypes decorated with every
/// pair and triple of its elements in every role order (distinct structures only), and the
/// elemental prototypes of an element the hull has no elemental entry for
/// (`ElementalReferences`), each relaxed with the run's calculator. Every element group
/// (pair, triple, element) is computed once and cached on disk, keyed by its decorated
/// geometries and the calculator, so a pair shared by many systems costs one set of
/// relaxations. With a calculator that is not worth caching (an
/// energy table) nothing is relaxed: a decoration's energy is the table's for its id
/// (`hypothetical:<prototype>:<formula>`), and decorations the table lacks are left out.
/// Not thread-safe: `ReferenceHull` serializes its calls.
public final class PrototypeHullEntries {
  let calculator: EnergyCalculator
  let cache: ValueCache
  let log: @Sendable (String) -> Void
  let elemental: ElementalReferences
  /// Element groups already added to the hull.
  private var added: Set<[Element]> = []
  /// Structures relaxed per calculator request, so progress moves.
  private let chunk = 4

  public init(
    calculator: EnergyCalculator, cache: ValueCache, log: @escaping @Sendable (String) -> Void
  ) {
    self.calculator = calculator
    self.cache = cache
    self.log = log
    elemental = ElementalReferences(calculator: calculator, cache: cache, log: log)
  }

  /// The entries of the element groups of `systems` (each a chemical system's elements) not
  /// added before: every pair and triple of each system, and each element of `lacking`.
  public func newEntries(systems: Set<[Element]>, lacking: Set<Element>) throws -> [PhaseEntry] {
    var groups = Set(lacking.map { [$0] })
    for system in systems {
      for size in 2...3 where size <= system.count { groups.formUnion(subsets(system, size)) }
    }
    let fresh = groups.subtracting(added).sorted { $0.lexicographicallyPrecedes($1) }
    guard !fresh.isEmpty else { return [] }
    let elements = try elemental.entries(fresh.filter { $0.count == 1 }.map { $0[0] })
    let compounds = fresh.filter { $0.count > 1 }
    let work = compounds.map { group in
      CachedRelaxations(
        "hull-\(group.map(\.symbol).joined(separator: "-"))", structures: Self.decorations(group),
        calculator: calculator)
    }
    var perAtom = work.map { $0.cached(in: cache) }
    let missing = perAtom.indices.filter { perAtom[$0] == nil }
    let total = missing.reduce(0) { $0 + work[$1].structures.count }
    if !compounds.isEmpty {
      log(
        "hull references: \(compounds.count) new element groups for \(systems.count) chemical "
          + "systems (\(compounds.count - missing.count) cached); "
          + (calculator.worthCaching
            ? "relaxing \(total) prototype structures with \(calculator.identifier)"
            : "looking up \(total) prototype structures in \(calculator.identifier)"))
    }
    let progress = ProgressReporter("hull prototype relaxations", total: total)
    // Group by group, each cached as soon as it is done, so an interrupted run keeps its work.
    for index in missing {
      let structures = work[index].structures
      var energies: [Double] = []
      for start in stride(from: 0, to: structures.count, by: chunk) {
        let part = Array(structures[start..<min(start + chunk, structures.count)])
        energies += work[index].relax(part)
        progress.advance(by: part.count)
      }
      perAtom[index] = energies
      try work[index].store(energies, in: cache)
    }
    progress.finish()
    added.formUnion(fresh)
    return elements
      + zip(work, perAtom).flatMap { item, energies in
        zip(item.structures, energies!).filter { $0.1.isFinite }.map {
          PhaseEntry(composition: $0.composition, energy: $1 * Double($0.count))
        }
      }
  }

  /// The distinct structures of the prototypes taking `elements.count` elements, decorated
  /// with `elements` in every role order (orders giving the same structure, such as rock salt
  /// AB and BA, are kept once).
  public static func decorations(_ elements: [Element]) -> [Structure] {
    let matcher = StructureMatcher()
    var kept: [Structure] = []
    for prototype in PrototypeCatalog.taking(elements.count) {
      for order in permutations(elements) {
        guard let structure = prototype.decorate(order),
          !kept.contains(where: { matcher.fit($0, structure) })
        else { continue }
        kept.append(structure)
      }
    }
    return kept
  }
}

/// The `size`-element subsets of `elements`, each in the order of `elements`.
private func subsets(_ elements: [Element], _ size: Int) -> [[Element]] {
  guard size > 0 else { return [[]] }
  guard elements.count >= size else { return [] }
  let rest = Array(elements.dropFirst())
  return subsets(rest, size - 1).map { [elements[0]] + $0 } + subsets(rest, size)
}

/// Every ordering of `elements`.
private func permutations(_ elements: [Element]) -> [[Element]] {
  guard elements.count > 1 else { return [elements] }
  return elements.indices.flatMap { index in
    var rest = elements
    let first = rest.remove(at: index)
    return permutations(rest).map { [first] + $0 }
  }
}
