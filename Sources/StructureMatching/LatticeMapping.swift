import CrystalCore
import Foundation

/// The bases of one lattice whose lengths and angles match a target lattice's within
/// tolerances (pymatgen's `Lattice.find_all_mappings`), restricted to unimodular changes of
/// basis (no supercells).
enum LatticeMapping {
  /// Lattices spanned by vectors of `lattice` with lengths within a relative `lengthTolerance`
  /// and angles within `angleTolerance` degrees of `target`'s.
  static func mappings(
    of lattice: Lattice, onto target: Lattice, lengthTolerance: Double, angleTolerance: Double
  ) -> [Lattice] {
    let targetLengths = target.lengths
    let targetAngles = target.angles
    let radius = max(targetLengths.x, targetLengths.y, targetLengths.z) * (1 + lengthTolerance)
    let range = lattice.imageRange(cutoff: radius)
    // Lattice points within the radius, with their integer coefficients.
    var points: [(cartesian: Vector3, length: Double, coefficients: SIMD3<Int>)] = []
    for i in -range.x...range.x {
      for j in -range.y...range.y {
        for k in -range.z...range.z where !(i == 0 && j == 0 && k == 0) {
          let cartesian = lattice.cartesian(Vector3(Double(i), Double(j), Double(k)))
          let distance = CrystalCore.length(cartesian)
          if distance <= radius { points.append((cartesian, distance, SIMD3(i, j, k))) }
        }
      }
    }
    func candidates(_ wanted: Double) -> [Int] {
      points.indices.filter {
        let ratio = points[$0].length / wanted
        return ratio < 1 + lengthTolerance && ratio > 1 / (1 + lengthTolerance)
      }
    }
    func angle(_ p: Int, _ q: Int) -> Double {
      let cosine =
        dot(points[p].cartesian, points[q].cartesian) / (points[p].length * points[q].length)
      return acos(max(-1, min(1, cosine))) * 180 / .pi
    }
    let (aList, bList, cList) = (
      candidates(targetLengths.x), candidates(targetLengths.y), candidates(targetLengths.z)
    )
    var result: [Lattice] = []
    for a in aList {
      for b in bList where abs(angle(a, b) - targetAngles.z) < angleTolerance {
        for c in cList
        where abs(angle(b, c) - targetAngles.x) < angleTolerance
          && abs(angle(a, c) - targetAngles.y) < angleTolerance
        {
          let (ca, cb, cc) = (
            points[a].coefficients, points[b].coefficients, points[c].coefficients
          )
          let determinant =
            ca.x * (cb.y * cc.z - cb.z * cc.y) - ca.y * (cb.x * cc.z - cb.z * cc.x)
            + ca.z * (cb.x * cc.y - cb.y * cc.x)
          guard abs(determinant) == 1,
            let mapped = try? Lattice(
              matrix: Matrix3(points[a].cartesian, points[b].cartesian, points[c].cartesian))
          else { continue }
          result.append(mapped)
        }
      }
    }
    return result
  }
}
