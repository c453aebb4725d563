import Foundation

/// A periodic lattice: three lattice vectors a, b, c (the rows of `matrix`), in Å.
public struct Lattice: Hashable, Sendable {
  /// Rows are the lattice vectors a, b, c in Å.
  public let matrix: Matrix3

  /// A lattice from its row-vector matrix. Throws for a degenerate or non-finite cell, or one
  /// whose volume overflows.
  public init(matrix: Matrix3) throws {
    guard matrix.flat.allSatisfy(\.isFinite) else {
      throw CrystalError.invalidLattice("lattice matrix has non-finite entries: \(matrix.flat)")
    }
    let volume = abs(matrix.determinant)
    guard volume.isFinite else {
      throw CrystalError.invalidLattice("cell volume overflows: lattice vectors \(matrix.flat)")
    }
    guard volume > 1e-8 else {
      throw CrystalError.invalidLattice("cell volume is \(volume) Å³ (degenerate lattice)")
    }
    self.matrix = matrix
  }

  /// A lattice from parameters: lengths in Å, angles in degrees. Oriented as pymatgen's
  /// `Lattice.from_parameters` orients it (c along z, a in the xz-plane), so Cartesian
  /// coordinates agree with files written by pymatgen.
  public init(a: Double, b: Double, c: Double, alpha: Double, beta: Double, gamma: Double) throws {
    let values = [a, b, c, alpha, beta, gamma]
    guard values.allSatisfy(\.isFinite), a > 0, b > 0, c > 0,
      [alpha, beta, gamma].allSatisfy({ $0 > 0 && $0 < 180 })
    else {
      throw CrystalError.invalidLattice("invalid lattice parameters \(values)")
    }
    let (ca, cb, cg) = (cosDeg(alpha), cosDeg(beta), cosDeg(gamma))
    let (sa, sb) = (sinDeg(alpha), sinDeg(beta))
    let cosGammaStar = max(-1, min(1, (ca * cb - cg) / (sa * sb)))
    let gammaStar = acos(cosGammaStar)
    try self.init(
      matrix: Matrix3(
        Vector3(a * sb, 0, a * cb),
        Vector3(-b * sa * cos(gammaStar), b * sa * sin(gammaStar), b * ca),
        Vector3(0, 0, c)))
  }

  /// A cubic lattice with edge `a`.
  public static func cubic(_ a: Double) throws -> Lattice {
    try Lattice(matrix: Matrix3(Vector3(a, 0, 0), Vector3(0, a, 0), Vector3(0, 0, a)))
  }

  /// A hexagonal lattice (a = b, gamma = 120°).
  public static func hexagonal(a: Double, c: Double) throws -> Lattice {
    try Lattice(a: a, b: a, c: c, alpha: 90, beta: 90, gamma: 120)
  }

  /// Cell volume in Å³.
  public var volume: Double { abs(matrix.determinant) }

  /// Lengths |a|, |b|, |c| in Å.
  public var lengths: Vector3 { Vector3(length(matrix[0]), length(matrix[1]), length(matrix[2])) }

  /// Angles alpha (b,c), beta (a,c), gamma (a,b) in degrees.
  public var angles: Vector3 {
    func angle(_ u: Vector3, _ v: Vector3) -> Double {
      let cosine = max(-1, min(1, dot(u, v) / (length(u) * length(v))))
      return acos(cosine) * 180 / .pi
    }
    return Vector3(
      angle(matrix[1], matrix[2]), angle(matrix[0], matrix[2]), angle(matrix[0], matrix[1]))
  }

  /// Cartesian coordinates (Å) of a fractional position.
  public func cartesian(_ fractional: Vector3) -> Vector3 { fractional * matrix }

  /// Fractional coordinates of a Cartesian position.
  public func fractional(_ cartesian: Vector3) -> Vector3 { cartesian * inverseMatrix }

  /// Inverse of `matrix` (never singular: the initializer rejects degenerate cells).
  public var inverseMatrix: Matrix3 { matrix.inverse! }

  /// The metric tensor G = M Mᵀ.
  public var metricTensor: Matrix3 { matrix * matrix.transposed }
}

private func cosDeg(_ x: Double) -> Double { cos(x * .pi / 180) }

private func sinDeg(_ x: Double) -> Double { sin(x * .pi / 180) }
