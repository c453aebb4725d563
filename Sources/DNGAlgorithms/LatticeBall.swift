import CrystalCore

/// The points of a periodic lattice inside a ball, enumerated row by row with exact bounds
/// rather than by scanning a box of images. The lattice is first given a short basis (every
/// pair of vectors reduced), then expressed in a frame where it is triangular: the shortest
/// vector `a` along z, `b` in the yz-plane with b.y > 0, `c` anywhere with c.x > 0. A point
/// offset + i·c + j·b + l·a then has x = offset.x + i·c.x, y = offset.y + i·c.y + j·b.y, and
/// the range of each index follows from what the earlier ones leave of the radius. Positions
/// are handed in and out in this frame.
struct LatticeBall {
  private let a: Double
  private let b: Vector3
  private let c: Vector3
  /// 1/c.x, 1/b.y and 1/|a|: the steps of the three scans, inverted once.
  private let inverseSteps: Vector3
  /// Fractional coordinates on the given lattice → fractional coordinates on (a, b, c), row by
  /// row.
  private let toReduced: Matrix3

  /// The frame of `lattice`, on a reduced basis with the shortest vector scanned innermost
  /// (which gives the longest rows).
  init(_ lattice: Lattice) {
    var (a, b, c) = lattice.matrix.rows
    Self.reducePairwise(&a, &b, &c)
    if dot(b, b) < dot(a, a) { swap(&a, &b) }
    if dot(c, c) < dot(b, b) { swap(&b, &c) }
    if dot(b, b) < dot(a, a) { swap(&a, &b) }
    // −c is as good a basis vector as c; the one with c.x > 0 lets the scan run upwards.
    if dot(c, cross(b, a)) < 0 { c = -c }
    let reduced = Matrix3(a, b, c)
    toReduced = lattice.matrix * reduced.inverse!
    let ez = a / length(a)
    let inPlane = b - dot(b, ez) * ez
    let ey = inPlane / length(inPlane)
    let ex = cross(ey, ez)
    self.a = length(a)
    self.b = Vector3(0, dot(b, ey), dot(b, ez))
    self.c = Vector3(dot(c, ex), dot(c, ey), dot(c, ez))
    inverseSteps = 1 / Vector3(self.c.x, self.b.y, self.a)
  }

  /// Makes every pair of basis vectors reduced (2|u·v| ≤ |u|² for the shorter u) by
  /// subtracting whole multiples of the shorter from the longer until none shortens.
  private static func reducePairwise(_ a: inout Vector3, _ b: inout Vector3, _ c: inout Vector3) {
    /// Shortens the longer of u and v by whole multiples of the shorter; true if it changed.
    func reduce(_ u: inout Vector3, _ v: inout Vector3) -> Bool {
      let (uu, vv, uv) = (dot(u, u), dot(v, v), dot(u, v))
      // The tolerance keeps rounding from swapping equally good bases forever.
      guard 2 * abs(uv) > min(uu, vv) * (1 + 1e-9) else { return false }
      if uu <= vv { v -= (uv / uu).rounded() * u } else { u -= (uv / vv).rounded() * v }
      return true
    }
    // Each step shortens a vector of a discrete lattice, so this ends; the cap is for rounding.
    for _ in 0..<100 {
      let changed = reduce(&a, &b) || reduce(&a, &c) || reduce(&b, &c)
      if !changed { return }
    }
  }

  /// The frame coordinates of the point at `fractional` on the given lattice, moved by a
  /// lattice translation into the cell spanned by a, b and c.
  @inline(__always)
  func wrappedPosition(fractional: Vector3) -> Vector3 {
    let (x, y, z) = toReduced.rows
    var f = fractional.x * x + fractional.y * y + fractional.z * z
    f -= Vector3(Self.floor(f.x), Self.floor(f.y), Self.floor(f.z))
    return f.z * c + f.y * b + Vector3(0, 0, f.x * a)
  }

  /// An upper bound on how many points one call of `forEachSquaredDistance` with `radius`
  /// reports: the points of the box around the ball, row by row.
  func pointBound(radius: Double) -> Int {
    let width = 2 * Self.slack(radius)
    let rows = (width * inverseSteps + 2).rounded(.up)
    return Int(rows.x * rows.y * rows.z)
  }

  /// Calls `body` with |offset + T|² for every lattice translation T with
  /// |offset + T| ≤ radius (offset in frame coordinates), and for a few T just outside it
  /// (up to a relative 1e-9, so that rounding cannot drop a point). T = 0 is included.
  @inline(__always)
  func forEachSquaredDistance(from offset: Vector3, radius: Double, _ body: (Double) -> Void) {
    let h = Self.slack(radius)
    let hh = h * h
    // Each loop starts at the first index inside its range and steps by one lattice vector.
    let i = Self.ceiling((-h - offset.x) * inverseSteps.x)
    var (x, y0, z0) = (offset.x + i * c.x, offset.y + i * c.y, offset.z + i * c.z)
    while x <= h {
      let hy = max(0, hh - x * x).squareRoot()
      let j = Self.ceiling((-hy - y0) * inverseSteps.y)
      var (y, z1) = (y0 + j * b.y, z0 + j * b.z)
      while y <= hy {
        let xy = x * x + y * y
        let hz = max(0, hh - xy).squareRoot()
        var z = z1 + Self.ceiling((-hz - z1) * inverseSteps.z) * a
        while z <= hz {
          body(xy + z * z)
          z += a
        }
        y += b.y
        z1 += b.z
      }
      x += c.x
      y0 += c.y
      z0 += c.z
    }
  }

  /// The radius with the slack that covers rounding in the scans.
  private static func slack(_ radius: Double) -> Double { radius * (1 + 1e-9) }

  /// x rounded to the nearest integer (|x| < 2⁵¹): adding and subtracting 1.5·2⁵² leaves no
  /// fraction bits, without a call to the math library.
  @inline(__always)
  private static func nearest(_ x: Double) -> Double { (x + 0x1.8p52) - 0x1.8p52 }

  /// ⌈x⌉ for |x| < 2⁵¹.
  @inline(__always)
  private static func ceiling(_ x: Double) -> Double {
    let r = nearest(x)
    return r < x ? r + 1 : r
  }

  /// ⌊x⌋ for |x| < 2⁵¹.
  @inline(__always)
  private static func floor(_ x: Double) -> Double {
    let r = nearest(x)
    return r > x ? r - 1 : r
  }
}
