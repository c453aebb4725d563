import CrystalCore

/// The points of a periodic lattice inside a ball, enumerated row by row with exact bounds
/// rather than by scanning a box of images. The lattice is expressed in a frame where it is
/// triangular: the shortest vector `a` along z, `b` in the yz-plane, `c` anywhere. A point
/// offset + i·c + j·b + l·a then has x = offset.x + i·c.x, y = offset.y + i·c.y + j·b.y, and
/// the range of each index follows from what the earlier ones leave of the radius.
struct LatticeBall {
  private let ex: Vector3
  private let ey: Vector3
  private let ez: Vector3
  private let a: Double
  private let b: Vector3
  private let c: Vector3
  /// 1/c.x, 1/b.y and 1/|a|: the steps of the three scans, inverted once.
  private let inverseSteps: Vector3

  /// The frame of a lattice with rows `a` (the shortest, scanned innermost), `b` and `c`.
  init(_ a: Vector3, _ b: Vector3, _ c: Vector3) {
    ez = a / length(a)
    let inPlane = b - dot(b, ez) * ez
    ey = inPlane / length(inPlane)
    ex = cross(ey, ez)
    self.a = length(a)
    self.b = Vector3(0, dot(b, ey), dot(b, ez))
    self.c = Vector3(dot(c, ex), dot(c, ey), dot(c, ez))
    inverseSteps = 1 / Vector3(self.c.x, self.b.y, self.a)
  }

  /// Appends |offset + T|² for every lattice translation T with |offset + T| ≤ radius,
  /// leaving out an exact zero (an atom's distance to itself).
  func squaredDistances(from offset: Vector3, radius: Double, into values: inout [Double]) {
    let o = Vector3(dot(offset, ex), dot(offset, ey), dot(offset, ez))
    let limit = radius * radius
    // The bounds get a little slack so rounding cannot drop a point; the test on s is exact.
    let slack = radius * (1 + 1e-9)
    for i in Self.indices(centre: o.x, inverseStep: inverseSteps.x, halfWidth: slack) {
      let x = o.x + Double(i) * c.x
      let restX = slack * slack - x * x
      guard restX >= 0 else { continue }
      let y0 = o.y + Double(i) * c.y
      let z0 = o.z + Double(i) * c.z
      for j in Self.indices(centre: y0, inverseStep: inverseSteps.y, halfWidth: restX.squareRoot())
      {
        let y = y0 + Double(j) * b.y
        let xy = x * x + y * y
        let restY = slack * slack - xy
        guard restY >= 0 else { continue }
        let z1 = z0 + Double(j) * b.z
        for l in Self.indices(
          centre: z1, inverseStep: inverseSteps.z, halfWidth: restY.squareRoot())
        {
          let z = z1 + Double(l) * a
          let s = xy + z * z
          if s <= limit && s > 0 { values.append(s) }
        }
      }
    }
  }

  /// The integers n with |centre + n·step| ≤ halfWidth (empty when there are none), up to
  /// rounding that the caller's slack covers.
  private static func indices(centre: Double, inverseStep: Double, halfWidth: Double)
    -> Range<Int>
  {
    let first = (-halfWidth - centre) * inverseStep
    let second = (halfWidth - centre) * inverseStep
    // Truncation toward zero, then corrected: ceil and floor without a library call.
    let (lower, upper) = (min(first, second), max(first, second))
    let low = Int(lower) + (Double(Int(lower)) < lower ? 1 : 0)
    let high = Int(upper) - (Double(Int(upper)) > upper ? 1 : 0)
    return low..<max(low, high + 1)
  }
}
