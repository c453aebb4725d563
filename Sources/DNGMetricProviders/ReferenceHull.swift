import CrystalCore
import DNGAlgorithms
import Foundation
import Synchronization

/// The hull `e_above_hull` is measured against: the reference set's entries
/// (`ReferenceEnergies`) and any user entries (`HullEntryFile`), and, with prototype entries,
/// those of the chemical systems each batch touches, added the first time a system is met.
public final class ReferenceHull: Sendable {
  /// The prototype entries (used under the lock only), and the hull so far.
  private let state: Mutex<State>

  private struct State {
    let prototypes: PrototypeHullEntries?
    var entries: [PhaseEntry]
    var diagram: PhaseDiagram
    /// Elements with an elemental entry of finite energy.
    var elemental: Set<Element>
  }

  public init(references: [PhaseEntry], prototypes: sending PrototypeHullEntries? = nil) {
    state = Mutex(
      State(
        prototypes: prototypes, entries: references,
        diagram: PhaseDiagram(references: references),
        elemental: Self.elementalElements(references)))
  }

  /// Number of entries the hull holds so far.
  public var entryCount: Int { state.withLock { $0.entries.count } }

  /// The phase diagram to place `structures` against; with prototype entries, the chemical
  /// systems of `structures` not met before are added first.
  public func diagram(covering structures: [Structure]) throws -> PhaseDiagram {
    try state.withLock { state in
      guard let prototypes = state.prototypes else { return state.diagram }
      let systems = Set(structures.map(\.composition.elements))
      let lacking = Set(systems.joined()).subtracting(state.elemental)
      let added = try prototypes.newEntries(systems: systems, lacking: lacking)
      if !added.isEmpty {
        state.entries += added
        state.diagram = PhaseDiagram(references: state.entries)
        state.elemental.formUnion(Self.elementalElements(added))
      }
      return state.diagram
    }
  }

  private static func elementalElements(_ entries: [PhaseEntry]) -> Set<Element> {
    Set(
      entries.filter { $0.composition.counts.count == 1 && $0.energy.isFinite }
        .flatMap(\.composition.elements))
  }
}
