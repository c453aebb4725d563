import CrystalCore
import Foundation

/// Enumerates the bases of a lattice whose vectors have the lengths and angles of a target lattice
/// within tolerances (pymatgen's `Lattice.find_all_mappings` restricted to unimodular changes of
/// basis, i.e. no supercells).
enum LatticeMapping {
  /// Every basis (rows: Cartesian vectors of `lattice`'s points) with lengths within a factor
  /// `1 + ltol` of `target`'s and angles within `angleTol` degrees, spanning the same lattice.
  static func bases(of lattice: Matrix3, like target: Matrix3, ltol: Double, angleTol: Double)
    -> [Matrix3]
  {
    let (lengths, angles) = latticeParameters(target)
    let radius = max(lengths.x, lengths.y, lengths.z) * (1 + ltol)
    let points = latticePoints(of: lattice, within: radius)
    // Candidate vectors for each of a, b, c: (integer coefficients, Cartesian vector, length).
    let candidates = (0..<3).map { axis in
      points.filter { point in
        let ratio = point.length / lengths[axis]
        return ratio < 1 + ltol && ratio > 1 / (1 + ltol)
      }
    }
    func angleMatches(_ u: LatticePoint, _ v: LatticePoint, _ expected: Double) -> Bool {
      let cosine = max(-1, min(1, dot(u.cartesian, v.cartesian) / (u.length * v.length)))
      return abs(acos(cosine) * 180 / .pi - expected) <= angleTol
    }
    var result: [Matrix3] = []
    for a in candidates[0] {
      for b in candidates[1] where angleMatches(a, b, angles.z) {
        for c in candidates[2] where angleMatches(b, c, angles.x) && angleMatches(a, c, angles.y) {
          let determinant = Matrix3(a.coefficients, b.coefficients, c.coefficients).determinant
          if abs(abs(determinant) - 1) <= 0.5 {
            result.append(Matrix3(a.cartesian, b.cartesian, c.cartesian))
          }
        }
      }
    }
    return result
  }

  private struct LatticePoint {
    let coefficients: Vector3
    let cartesian: Vector3
    let length: Double
  }

  /// All lattice points n·L (n integer) with |n·L| ≤ radius.
  private static func latticePoints(of lattice: Matrix3, within radius: Double) -> [LatticePoint] {
    // |n_i| = |x · column i of L⁻¹| ≤ radius × |column i of L⁻¹|.
    let bounds = rowLengths(lattice.inverse!.transposed).map { Int((radius * $0).rounded(.down)) }
    var points: [LatticePoint] = []
    for i in -bounds[0]...bounds[0] {
      for j in -bounds[1]...bounds[1] {
        for k in -bounds[2]...bounds[2] {
          let n = Vector3(Double(i), Double(j), Double(k))
          let x = n * lattice
          let norm = length(x)
          if norm <= radius {
            points.append(LatticePoint(coefficients: n, cartesian: x, length: norm))
          }
        }
      }
    }
    return points
  }
}

extension SIMD3 where Scalar == Double {
  fileprivate func map(_ transform: (Double) -> Int) -> [Int] {
    [transform(x), transform(y), transform(z)]
  }
}
