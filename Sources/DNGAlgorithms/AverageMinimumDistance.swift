import CrystalCore
import Foundation
import Parallelism

/// The average-minimum-distance (AMD) invariant of a periodic structure (Widdowson et al.,
/// MATCH 2022): entry j is the distance from an atom to its j-th nearest neighbour in the
/// infinite periodic set, averaged over the atoms of the unit cell. It does not depend on the
/// choice of cell or the order of atoms, so equal structures have equal AMDs.
public enum AverageMinimumDistance {
  /// The AMD vector (k entries, Å) of `structure`.
  public static func vector(_ structure: Structure, k: Int = 100) -> [Double] {
    var calculator = AverageMinimumDistanceCalculator()
    return calculator.vector(structure, k: k)
  }

  /// AMD vectors of many structures, computed on all cores: a few interleaved shares per core,
  /// each with one calculator whose buffers serve all of its structures.
  public static func vectors(_ structures: [Structure], k: Int = 100) -> [[Double]] {
    let shares = min(structures.count, 4 * Parallel.cores)
    let vectors = Parallel.map(shares) { share in
      var calculator = AverageMinimumDistanceCalculator()
      return Swift.stride(from: share, to: structures.count, by: shares).map {
        calculator.vector(structures[$0], k: k)
      }
    }
    // Share s holds structures s, s + shares, …: deal them back into place.
    return structures.indices.map { vectors[$0 % shares][$0 / shares] }
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
