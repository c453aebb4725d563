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
  /// AMD length used for creativity distances (the seed's k = 100).
  public let amdK = 100

  private let lock = NSLock()
  private var reducedMemo: [Structure: Structure] = [:]
  private var amdMemo: [Structure: [Double]] = [:]

  public init(reference: ReferenceSet, matcher: StructureMatcher = StructureMatcher()) {
    self.reference = reference
    self.matcher = matcher
  }

  /// The matcher's reduced form of `structure`, memoized.
  public func reduced(_ structure: Structure) -> Structure {
    memo(&reducedMemo, structure) { matcher.reduced($0) }
  }

  /// The AMD vector (k = 100) of `structure`, memoized.
  public func amd(_ structure: Structure) -> [Double] {
    memo(&amdMemo, structure) { AverageMinimumDistance.vector($0, k: amdK) }
  }

  private func memo<Value>(
    _ table: inout [Structure: Value], _ key: Structure, _ make: (Structure) -> Value
  ) -> Value {
    if let known = lock.withLock({ table[key] }) { return known }
    let value = make(key)
    lock.withLock {
      if table.count > 200_000 { table.removeAll() }  // bound memory over long runs
      table[key] = value
    }
    return value
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
