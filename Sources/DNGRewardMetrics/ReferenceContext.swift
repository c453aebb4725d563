import CrystalCore
import DNGMetrics
import Foundation
import ReferenceData
import StructureMatching

/// What the DNG metrics share: the reference set and the structure matcher, with memoized
/// per-structure work (reduced cells, AMD vectors) so nothing is computed twice in a run.
public final class ReferenceContext: @unchecked Sendable {
  public let reference: ReferenceSet
  public let matcher: StructureMatcher
  /// AMD length used for creativity distances (Chemeleon2's k = 100).
  public let amdK = 100

  private let lock = NSLock()
  private var reducedMemo: [Structure: StructureMatcher.Reduced] = [:]
  private var amdMemo: [Structure: [Double]] = [:]

  public init(reference: ReferenceSet, matcher: StructureMatcher = StructureMatcher()) {
    self.reference = reference
    self.matcher = matcher
  }

  /// The matcher's reduced form of `structure`, memoized.
  public func reduced(_ structure: Structure) -> StructureMatcher.Reduced {
    if let known = lock.withLock({ reducedMemo[structure] }) { return known }
    let value = matcher.reduce(structure)
    lock.withLock { store(value, for: structure, in: &reducedMemo) }
    return value
  }

  /// The AMD vector (k = 100) of `structure`, memoized.
  public func amd(_ structure: Structure) -> [Double] {
    if let known = lock.withLock({ amdMemo[structure] }) { return known }
    let value = AverageMinimumDistance.vector(structure, k: amdK)
    lock.withLock { store(value, for: structure, in: &amdMemo) }
    return value
  }

  /// Stores a memo entry (call with the lock held), bounding memory over long runs.
  private func store<Value>(_ value: Value, for key: Structure, in table: inout [Structure: Value])
  {
    if table.count > 200_000 { table.removeAll() }
    table[key] = value
  }
}

/// Runs `body` for every index on all cores and collects the results in order.
func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
  var results = [T?](repeating: nil, count: count)
  results.withUnsafeMutableBufferPointer { output in
    let output = output
    DispatchQueue.concurrentPerform(iterations: count) { output[$0] = body($0) }
  }
  return results.map { $0! }
}
