import CrystalCore
import DNGMetrics
import Foundation

/// The hull `e_above_hull` is measured against: the reference set's entries
/// (`ReferenceEnergies`) and any user entries (`HullEntryFile`), and, with prototype entries,
/// those of the chemical systems each batch touches, added the first time a system is met.
public final class ReferenceHull: @unchecked Sendable {
  private let prototypes: PrototypeHullEntries?
  private let lock = NSLock()
  private var entries: [PhaseEntry]
  private var diagram: PhaseDiagram
  /// Elements with an elemental entry of finite energy.
  private var elemental: Set<Element>

  public init(references: [PhaseEntry], prototypes: PrototypeHullEntries? = nil) {
    entries = references
    diagram = PhaseDiagram(references: references)
    self.prototypes = prototypes
    elemental = Self.elementalElements(references)
  }

  /// Number of entries the hull holds so far.
  public var entryCount: Int { lock.withLock { entries.count } }

  /// The phase diagram to place `structures` against; with prototype entries, the chemical
  /// systems of `structures` not met before are added first.
  public func diagram(covering structures: [Structure]) throws -> PhaseDiagram {
    try lock.withLock {
      guard let prototypes else { return diagram }
      let systems = Set(structures.map(\.composition.elements))
      let lacking = Set(systems.joined()).subtracting(elemental)
      let added = try prototypes.newEntries(systems: systems, lacking: lacking)
      if !added.isEmpty {
        entries += added
        diagram = PhaseDiagram(references: entries)
        elemental.formUnion(Self.elementalElements(added))
      }
      return diagram
    }
  }

  private static func elementalElements(_ entries: [PhaseEntry]) -> Set<Element> {
    Set(
      entries.filter { $0.composition.counts.count == 1 && $0.energy.isFinite }
        .flatMap(\.composition.elements))
  }
}
