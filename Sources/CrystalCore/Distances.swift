extension Lattice {
  /// How many cell repetitions along each axis are needed to see every lattice point within
  /// `cutoff` Å of the origin cell: ceil(cutoff / interplanar spacing).
  public func imageRange(cutoff: Double) -> SIMD3<Int> {
    let (a, b, c) = matrix.rows
    let spacings = Vector3(
      volume / length(cross(b, c)), volume / length(cross(c, a)), volume / length(cross(a, b)))
    return SIMD3<Int>(
      Int((cutoff / spacings.x).rounded(.up)), Int((cutoff / spacings.y).rounded(.up)),
      Int((cutoff / spacings.z).rounded(.up)))
  }
}

extension Structure {
  /// The shortest distance between two atoms of the periodic structure (an atom and its own
  /// periodic images included), in Å.
  public var minimumInteratomicDistance: Double {
    let lengths = lattice.lengths
    let cutoff = min(lengths.x, lengths.y, lengths.z)
    let range = lattice.imageRange(cutoff: cutoff)
    let cartesian = cartesianCoordinates
    var best = cutoff
    for i in -range.x...range.x {
      for j in -range.y...range.y {
        for k in -range.z...range.z {
          let shift = lattice.cartesian(Vector3(Double(i), Double(j), Double(k)))
          let isOrigin = i == 0 && j == 0 && k == 0
          for p in cartesian.indices {
            for q in cartesian.indices where !(isOrigin && p == q) {
              best = min(best, length(cartesian[q] + shift - cartesian[p]))
            }
          }
        }
      }
    }
    return best
  }
}
