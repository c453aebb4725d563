import CrystalCore
import Foundation

/// Pairs the sites of two cells described in one common lattice: each site of the second is
/// assigned to a site of the same species of the first by minimum total squared periodic distance,
/// then the mean displacement (a rigid translation) is removed.
struct SiteAssignment {
  /// Distances of the assigned pairs after the translation, normalized by `(V/N)^(1/3)`.
  let distances: [Double]

  var maxDistance: Double { distances.max() ?? 0 }
  var rms: Double {
    (distances.reduce(0) { $0 + $1 * $1 } / Double(distances.count)).squareRoot()
  }

  /// Assigns `moving` (fractional coordinates) onto `fixed` in `lattice`; `allowed(i, j)` says
  /// whether moving site i may pair with fixed site j. `normalization` is `(N/V)^(1/3)`.
  init(
    fixed: [Vector3], moving: [Vector3], allowed: (Int, Int) -> Bool, lattice: PeriodicMetric,
    normalization: Double
  ) {
    let n = fixed.count
    var vectors = [Vector3](repeating: .zero, count: n * n)
    var cost = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        let v = lattice.shortestVector(from: moving[i], to: fixed[j])
        vectors[i * n + j] = v
        cost[i * n + j] = allowed(i, j) ? dot(v, v) : 1e20
      }
    }
    let assignment = LinearAssignment.solve(cost: cost, n: n)
    let paired = (0..<n).map { vectors[$0 * n + assignment[$0]] }
    let translation = paired.reduce(Vector3.zero, +) / Double(n)
    distances = paired.map { length($0 - translation) * normalization }
  }
}

/// Shortest periodic vectors in a lattice, searched among the 27 neighbouring images in an
/// LLL-reduced basis.
struct PeriodicMetric {
  let matrix: Matrix3
  private let toReduced: Matrix3
  private let reduced: Matrix3
  private let images: [Vector3]

  init(_ matrix: Matrix3) {
    self.matrix = matrix
    reduced = LatticeReduction.lll(matrix)
    toReduced = matrix * reduced.inverse!
    var images: [Vector3] = []
    for i in -1...1 {
      for j in -1...1 {
        for k in -1...1 { images.append(Vector3(Double(i), Double(j), Double(k)) * reduced) }
      }
    }
    self.images = images
  }

  /// The shortest Cartesian vector from fractional position `a` to any image of `b`.
  func shortestVector(from a: Vector3, to b: Vector3) -> Vector3 {
    let base = nearestImage((b - a) * toReduced) * reduced
    var best = base
    var bestLength = dot(base, base)
    for image in images {
      let candidate = base + image
      let squared = dot(candidate, candidate)
      if squared < bestLength {
        best = candidate
        bestLength = squared
      }
    }
    return best
  }
}
