import CrystalCore
import Foundation

/// The average-minimum-distance (AMD) invariant of a periodic structure (Widdowson et al.,
/// MATCH 2022): entry j is the distance from an atom to its j-th nearest neighbour in the
/// infinite periodic set, averaged over the atoms of the unit cell. It does not depend on the
/// choice of cell or the order of atoms, so equal structures have equal AMDs.
public enum AverageMinimumDistance {
  /// The AMD vector (k entries, Å) of `structure`.
  public static func vector(_ structure: Structure, k: Int = 100) -> [Double] {
    // The AMD does not depend on the cell; a short, nearly orthogonal basis leaves the fewest
    // rows of lattice points to scan. Most cells already have one (every pair of vectors
    // reduced: 2|u·v| ≤ |u|², |v|²); the others are Niggli-reduced first.
    let (u, v, w) = structure.lattice.matrix.rows
    let pairwiseReduced = [(u, v), (u, w), (v, w)].allSatisfy {
      2 * abs(dot($0, $1)) <= min(dot($0, $0), dot($1, $1))
    }
    let lattice = pairwiseReduced ? structure.lattice : structure.lattice.niggliReduced()
    let (a, b, c) = {
      let rows = [lattice.matrix[0], lattice.matrix[1], lattice.matrix[2]]
      let sorted = rows.sorted { dot($0, $0) < dot($1, $1) }
      return (sorted[0], sorted[1], sorted[2])
    }()
    let ball = LatticeBall(a, b, c)
    let inverse = lattice.inverseMatrix
    let fractional = structure.sites.map {
      let position = structure.lattice.cartesian($0.fractional) * inverse
      return position - position.rounded(.down)
    }
    let count = fractional.count
    // A radius expected to hold about 1.15 k neighbours at this density; grown until enough.
    var radius = cbrt(3 * Double(k + 1) * lattice.volume / (4 * .pi * Double(count))) * 1.05
    // Distances from p to the images of q, one list per atom p. The images of q around p and
    // of p around q lie at the same distances (the offset is negated exactly), so each pair is
    // scanned once; an atom's own images are the lattice translations, the same for every atom.
    var lists = [[Double]](repeating: [], count: count)
    var translations: [Double] = []
    while true {
      translations.removeAll(keepingCapacity: true)
      ball.squaredDistances(from: .zero, radius: radius, into: &translations)
      for p in 0..<count {
        lists[p].removeAll(keepingCapacity: true)
        lists[p].append(contentsOf: translations)
      }
      for p in 0..<count {
        for q in p + 1..<count {
          var offset = fractional[q] - fractional[p]
          offset -= offset.rounded(.toNearestOrAwayFromZero)
          let start = lists[p].count
          ball.squaredDistances(from: lattice.cartesian(offset), radius: radius, into: &lists[p])
          lists[q].append(contentsOf: lists[p][start...])
        }
      }
      if lists.allSatisfy({ $0.count >= k }) { break }
      radius *= 1.1
    }
    let longest = lists.map(\.count).max()!
    var buckets = [Int32](repeating: 0, count: longest + 2)
    var sorted = [Double](repeating: 0, count: longest)
    var sums = [Double](repeating: 0, count: k)
    buckets.withUnsafeMutableBufferPointer { buckets in
      sorted.withUnsafeMutableBufferPointer { sorted in
        for list in lists {
          list.withUnsafeBufferPointer {
            sortSmallest(
              k, of: $0, below: radius * radius, buckets: buckets.baseAddress!,
              into: sorted.baseAddress!)
          }
          addSquareRoots(of: UnsafeBufferPointer(start: sorted.baseAddress!, count: k), to: &sums)
        }
      }
    }
    return sums.map { $0 / Double(count) }
  }

  /// sums[j] += √values[j], two at a time.
  static func addSquareRoots(of values: UnsafeBufferPointer<Double>, to sums: inout [Double]) {
    sums.withUnsafeMutableBufferPointer { sums in
      let pairs = values.count / 2 * 2
      let (source, target) = (
        UnsafeRawPointer(values.baseAddress!), UnsafeMutableRawPointer(sums.baseAddress!)
      )
      for offset in stride(from: 0, to: pairs * 8, by: 16) {
        let total =
          target.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
          + source.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self).squareRoot()
        target.storeBytes(of: total, toByteOffset: offset, as: SIMD2<Double>.self)
      }
      for j in pairs..<values.count { sums[j] += values[j].squareRoot() }
    }
  }

  /// AMD vectors of many structures, computed on all cores.
  public static func vectors(_ structures: [Structure], k: Int = 100) -> [[Double]] {
    var results = [[Double]](repeating: [], count: structures.count)
    results.withUnsafeMutableBufferPointer { output in
      let output = output
      DispatchQueue.concurrentPerform(iterations: structures.count) {
        output[$0] = vector(structures[$0], k: k)
      }
    }
    return results
  }

  /// Puts the `k` smallest of `values` (all in [0, limit]) in ascending order at the front of
  /// `sorted`: a counting sort into one more equal-width bucket than values, which leaves them
  /// nearly in order, then an insertion sort over the buckets that hold the first k.
  /// `buckets` needs room for count + 2 entries, `sorted` for count.
  static func sortSmallest(
    _ k: Int, of values: UnsafeBufferPointer<Double>, below limit: Double,
    buckets: UnsafeMutablePointer<Int32>, into sorted: UnsafeMutablePointer<Double>
  ) {
    let bucketCount = values.count + 1
    let scale = Double(values.count) / limit
    buckets.update(repeating: 0, count: bucketCount + 1)
    // value·scale rounded to the nearest integer (0...count): adding 2⁵² leaves it in the low
    // bits of the significand, without the checks of a conversion.
    func bucket(_ value: Double) -> Int {
      Int(truncatingIfNeeded: (value * scale + 0x1p52).bitPattern & 0xFFFF_FFFF)
    }
    for value in values { buckets[bucket(value) &+ 1] &+= 1 }
    for index in 1...bucketCount { buckets[index] &+= buckets[index &- 1] }
    for value in values {
      let b = bucket(value)
      sorted[Int(buckets[b])] = value
      buckets[b] &+= 1
    }
    // buckets[b] is now the end of bucket b; sort up to the end of the k-th value's.
    var end = 0
    while end < k { end = Int(buckets[bucket(sorted[end])]) }
    // Insertion sort on keys that drop the last 12 bits of the significand: symmetric shells
    // put dozens of values equal but for rounding into one bucket, and those compare equal
    // and stay where they are (an order off by at most 2⁻⁴⁰ relative).
    func key(_ value: Double) -> UInt64 { value.bitPattern & ~0xFFF }
    var i = 1
    while i < end {
      let value = sorted[i]
      var j = i
      while j > 0 && key(sorted[j &- 1]) > key(value) {
        sorted[j] = sorted[j &- 1]
        j &-= 1
      }
      sorted[j] = value
      i &+= 1
    }
  }

  /// The Chebyshev (L∞) distance between two AMD vectors.
  public static func distance(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
  }

  /// Chebyshev distances between every pair of rows of `a` and `b`.
  public static func distanceMatrix(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    a.map { row in b.map { distance(row, $0) } }
  }
}
