/// A 3-vector of doubles (Cartesian or fractional coordinates).
public typealias Vector3 = SIMD3<Double>

/// A 3×3 matrix stored as three rows.
public struct Matrix3: Hashable, Sendable {
  /// The rows of the matrix.
  public var rows: (Vector3, Vector3, Vector3)

  public init(rows: [Vector3]) {
    precondition(rows.count == 3, "Matrix3 needs three rows")
    self.rows = (rows[0], rows[1], rows[2])
  }

  public init(_ r0: Vector3, _ r1: Vector3, _ r2: Vector3) { rows = (r0, r1, r2) }

  /// Row `i` (0, 1 or 2).
  public subscript(i: Int) -> Vector3 {
    switch i {
    case 0: return rows.0
    case 1: return rows.1
    default: return rows.2
    }
  }

  /// The nine entries, row-major.
  public var flat: [Double] {
    [rows.0.x, rows.0.y, rows.0.z, rows.1.x, rows.1.y, rows.1.z, rows.2.x, rows.2.y, rows.2.z]
  }

  public var determinant: Double {
    let (a, b, c) = rows
    return a.x * (b.y * c.z - b.z * c.y) - a.y * (b.x * c.z - b.z * c.x)
      + a.z * (b.x * c.y - b.y * c.x)
  }

  public var transposed: Matrix3 {
    let (a, b, c) = rows
    return Matrix3(Vector3(a.x, b.x, c.x), Vector3(a.y, b.y, c.y), Vector3(a.z, b.z, c.z))
  }

  /// The inverse, or nil when the matrix is singular.
  public var inverse: Matrix3? {
    let det = determinant
    guard det != 0, det.isFinite else { return nil }
    let (a, b, c) = rows
    // Columns of the inverse are the cross products of the rows, divided by det.
    let c0 = cross(b, c) / det
    let c1 = cross(c, a) / det
    let c2 = cross(a, b) / det
    return Matrix3(c0, c1, c2).transposed
  }

  /// Row vector times matrix: v · M.
  public static func * (v: Vector3, m: Matrix3) -> Vector3 {
    v.x * m.rows.0 + v.y * m.rows.1 + v.z * m.rows.2
  }

  public static func * (lhs: Matrix3, rhs: Matrix3) -> Matrix3 {
    Matrix3(lhs.rows.0 * rhs, lhs.rows.1 * rhs, lhs.rows.2 * rhs)
  }

  public static func == (lhs: Matrix3, rhs: Matrix3) -> Bool { lhs.flat == rhs.flat }
  public func hash(into hasher: inout Hasher) { hasher.combine(flat) }
}

/// Cross product of two 3-vectors.
public func cross(_ a: Vector3, _ b: Vector3) -> Vector3 {
  Vector3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// Dot product of two 3-vectors.
public func dot(_ a: Vector3, _ b: Vector3) -> Double { (a * b).sum() }

/// Euclidean length of a 3-vector.
public func length(_ a: Vector3) -> Double { dot(a, a).squareRoot() }
