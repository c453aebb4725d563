import CrystalCore
import DNGAlgorithms
import Foundation
import ReferenceData
import StructureMatching
import Synchronization

/// What the DNG metrics share: the reference set and the structure matcher, with memoized
/// per-structure work (reduced cells, AMD vectors) so nothing is computed twice in a run.
public final class ReferenceContext: Sendable {
  public let reference: ReferenceSet
  public let matcher: StructureMatcher
  /// AMD length used for creativity distances (Chemeleon2's k = 100).
  public let amdK = 100

  private let reducedMemo = Mutex<[Structure: StructureMatcher.Reduced]>([:])
  private let amdMemo = Mutex<[Structure: [Double]]>([:])

  public init(reference: ReferenceSet, matcher: StructureMatcher = StructureMatcher()) {
    self.reference = reference
    self.matcher = matcher
  }

  /// The matcher's reduced form of `structure`, memoized.
  public func reduced(_ structure: Structure) -> StructureMatcher.Reduced {
    if let known = reducedMemo.withLock({ $0[structure] }) { return known }
    let value = matcher.reduce(structure)
    reducedMemo.withLock { store(value, for: structure, in: &$0) }
    return value
  }

  /// The AMD vector (k = 100) of `structure`, memoized.
  public func amd(_ structure: Structure) -> [Double] {
    if let known = amdMemo.withLock({ $0[structure] }) { return known }
    let value = AverageMinimumDistance.vector(structure, k: amdK)
    amdMemo.withLock { store(value, for: structure, in: &$0) }
    return value
  }

  /// Stores a memo entry (call with its lock held), bounding memory over long runs.
  private func store<Value>(_ value: Value, for key: Structure, in table: inout [Structure: Value])
  {
    if table.count > 200_000 { table.removeAll() }
    table[key] = value
  }
}
