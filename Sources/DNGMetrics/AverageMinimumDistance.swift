import CrystalCore
import Foundation

/// The average-minimum-distance (AMD) invariant of a periodic structure (Widdowson et al.,
/// MATCH 2022): entry j is the distance from an atom to its j-th nearest neighbour in the
/// infinite periodic set, averaged over the atoms of the unit cell. It does not depend on the
/// choice of cell or the order of atoms, so equal structures have equal AMDs.
public enum AverageMinimumDistance {
  /// The AMD vector (k entries, Å) of `structure`.
  public static func vector(_ structure: Structure, k: Int = 100) -> [Double] {
    // Atoms wrapped into the cell, so the translation range below covers every neighbour.
    let cartesian = structure.sites.map {
      structure.lattice.cartesian($0.fractional - $0.fractional.rounded(.down))
    }
    let count = cartesian.count
    // A radius expected to hold about 1.5·k neighbours at this density; grown until enough.
    var radius = cbrt(3 * Double(k + 1) * structure.volume / (4 * .pi * Double(count))) * 1.15
    while true {
      let translations = latticeTranslations(structure.lattice, radius: radius)
      let radiusSquared = radius * radius
      var sums = [Double](repeating: 0, count: k)
      var enough = true
      var candidates: [Double] = []
      for p in 0..<count where enough {
        candidates.removeAll(keepingCapacity: true)
        for translation in translations {
          for q in 0..<count {
            let delta = cartesian[q] + translation - cartesian[p]
            let squared = (delta * delta).sum()
            if squared <= radiusSquared && squared > 0 { candidates.append(squared) }
          }
        }
        if candidates.count < k {
          enough = false
          break
        }
        candidates.sort()
        for j in 0..<k { sums[j] += candidates[j].squareRoot() }
      }
      if enough { return sums.map { $0 / Double(count) } }
      radius *= 1.3
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
