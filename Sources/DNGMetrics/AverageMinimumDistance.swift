import CrystalCore
import Foundation

/// The average-minimum-distance (AMD) invariant of a periodic structure (Widdowson et al.,
/// MATCH 2022): entry j is the distance from an atom to its j-th nearest neighbour in the
/// infinite periodic set, averaged over the atoms of the unit cell. It does not depend on the
/// choice of cell or the order of atoms, so equal structures have equal AMDs.
public enum AverageMinimumDistance {
  /// The AMD vector (k entries, Å) of `structure`.
  public static func vector(_ original: Structure, k: Int = 100) -> [Double] {
    // The AMD does not depend on the cell, so use the reduced one: the shortest, most
    // orthogonal basis needs the fewest translations. Sites come back wrapped into it.
    let structure = original.rebased(on: original.lattice.niggliReduced())
    let cartesian = structure.sites.map {
      structure.lattice.cartesian($0.fractional - $0.fractional.rounded(.down))
    }
    let count = cartesian.count
    let (a, b, c) = structure.lattice.matrix.rows
    let diagonal = [a + b + c, a + b - c, a - b + c, -a + b + c].map(length).max()!
    // Every atom of a translated cell lies within half the longest diagonal of its centre.
    let center = (a + b + c) / 2
    let reach = diagonal / 2
    // A radius expected to hold about k neighbours at this density; grown until enough.
    var radius = cbrt(3 * Double(k + 1) * structure.volume / (4 * .pi * Double(count))) * 1.15
    var candidates: [Double] = []
    while true {
      let translations = latticeTranslations(structure.lattice, radius: radius + diagonal)
        .filter { length($0) <= radius + diagonal }
      let radiusSquared = radius * radius
      var sums = [Double](repeating: 0, count: k)
      var enough = true
      for p in 0..<count {
        candidates.removeAll(keepingCapacity: true)
        let limit = (radius + reach) * (radius + reach)
        for translation in translations {
          let origin = translation - cartesian[p]
          let toCenter = origin + center
          guard (toCenter * toCenter).sum() <= limit else { continue }
          for q in 0..<count {
            let delta = cartesian[q] + origin
            let squared = (delta * delta).sum()
            if squared <= radiusSquared && squared > 0 { candidates.append(squared) }
          }
        }
        guard candidates.count >= k else {
          enough = false
          break
        }
        selectSmallest(k, in: &candidates)
        let nearest = candidates[0..<k].sorted()
        for j in 0..<k { sums[j] += nearest[j].squareRoot() }
      }
      if enough { return sums.map { $0 / Double(count) } }
      radius *= 1.3
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

  /// Moves the `k` smallest values to the front of `values` (in no order): quickselect.
  static func selectSmallest(_ k: Int, in values: inout [Double]) {
    var low = 0
    var high = values.count - 1
    while low < high {
      let pivot = values[(low + high) / 2]
      var i = low
      var j = high
      while i <= j {
        while values[i] < pivot { i += 1 }
        while values[j] > pivot { j -= 1 }
        if i <= j {
          values.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if k - 1 <= j { high = j } else if k - 1 >= i { low = i } else { return }
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

  /// Cartesian lattice translations that can bring an image of the cell within `radius` of
  /// any point of the cell.
  static func latticeTranslations(_ lattice: Lattice, radius: Double) -> [Vector3] {
    let range = lattice.imageRange(cutoff: radius) &+ 1
    var translations: [Vector3] = []
    translations.reserveCapacity((2 * range.x + 1) * (2 * range.y + 1) * (2 * range.z + 1))
    for i in -range.x...range.x {
      for j in -range.y...range.y {
        for k in -range.z...range.z {
          translations.append(lattice.cartesian(Vector3(Double(i), Double(j), Double(k))))
        }
      }
    }
    return translations
  }
}
