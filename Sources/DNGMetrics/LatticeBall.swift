import CrystalCore

/// The points of a periodic lattice inside a ball, enumerated row by row with exact bounds
/// rather than by scanning a box of images. The lattice is expressed in a frame where it is
/// triangular: the shortest vector `a` along z, `b` in the yz-plane with b.y > 0, `c` anywhere
/// with c.x > 0. A point offset + i·c + j·b + l·a then has x = offset.x + i·c.x,
/// y = offset.y + i·c.y + j·b.y, and the range of each index follows from what the earlier
/// ones leave of the radius. Positions are handed in and out in this frame.
struct LatticeBall {
  /// The rows of the rotation into the frame: frame coordinates are (v·ex, v·ey, v·ez).
  private let ex: Vector3
  private let ey: Vector3
  private let ez: Vector3
  private let a: Double
  private let b: Vector3
  private let c: Vector3
  /// 1/c.x, 1/b.y and 1/|a|: the steps of the three scans, inverted once.
  private let inverseSteps: Vector3
  /// Frame coordinates → fractional coordinates on the basis (a, b, c).
  private let toFractional: Matrix3

  /// The frame of `lattice`, its rows taken shortest first (the shortest is scanned innermost,
  /// which gives the longest rows).
  init(_ lattice: Lattice) {
    var (a, b, c) = lattice.matrix.rows
    if dot(b, b) < dot(a, a) { swap(&a, &b) }
    if dot(c, c) < dot(b, b) { swap(&b, &c) }
    if dot(b, b) < dot(a, a) { swap(&a, &b) }
    ez = a / length(a)
    let inPlane = b - dot(b, ez) * ez
    ey = inPlane / length(inPlane)
    ex = cross(ey, ez)
    self.a = length(a)
    self.b = Vector3(0, dot(b, ey), dot(b, ez))
    // −c is as good a basis vector as c; the one with c.x > 0 lets the scan run upwards.
    let cInFrame = Vector3(dot(c, ex), dot(c, ey), dot(c, ez))
    self.c = cInFrame.x > 0 ? cInFrame : -cInFrame
    inverseSteps = 1 / Vector3(self.c.x, self.b.y, self.a)
    toFractional = Matrix3(Vector3(0, 0, self.a), self.b, self.c).inverse!
  }

  /// The frame coordinates of the Cartesian point `cartesian`, moved by a lattice translation
  /// into the cell spanned by a, b and c.
  func wrappedPosition(_ cartesian: Vector3) -> Vector3 {
    let frame = Vector3(dot(cartesian, ex), dot(cartesian, ey), dot(cartesian, ez))
    var fractional = frame * toFractional
    fractional -= Vector3(
      Self.floor(fractional.x), Self.floor(fractional.y), Self.floor(fractional.z))
    return fractional.z * c + fractional.y * b + Vector3(0, 0, fractional.x * a)
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
