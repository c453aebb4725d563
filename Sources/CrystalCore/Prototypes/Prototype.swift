import Foundation

/// A classic structure type: sites in fractional coordinates, each occupied by one of the
/// prototype's roles (A, B, X, ...), and a rule giving the lattice from the bond length
/// between the roles that touch.
public struct Prototype: Sendable {
  /// How the lattice follows from the nearest-neighbour distance d (Å).
  public enum Cell: Sendable {
    /// Cubic, a = factor · d.
    case cubic(factor: Double)
    /// Hexagonal, a = factor · d, c = cOverA · a.
    case hexagonal(factor: Double, cOverA: Double)
    /// Tetragonal, a = factor · d, c = cOverA · a.
    case tetragonal(factor: Double, cOverA: Double)
    /// The primitive cell of a face-centred cubic lattice, rows (0, a/2, a/2), (a/2, 0, a/2),
    /// (a/2, a/2, 0), with conventional a = factor · d.
    case faceCentredPrimitive(factor: Double)
  }

  /// Name, e.g. "rocksalt".
  public let name: String
  /// Number of distinct roles (elements) the prototype takes.
  public let roles: Int
  /// Role of each site (0 = A, 1 = B, ...) and its fractional coordinates.
  public let sites: [(role: Int, position: Vector3)]
  /// The two roles whose covalent radii add up to the nearest-neighbour distance.
  public let bond: (Int, Int)
  public let cell: Cell

  /// The structure with `elements[role]` on each site; nil when a radius is unknown.
  public func decorate(_ elements: [Element]) -> Structure? {
    precondition(elements.count == roles, "\(name) takes \(roles) elements")
    guard let r0 = elements[bond.0].covalentRadius, let r1 = elements[bond.1].covalentRadius
    else { return nil }
    let d = r0 + r1
    let lattice: Lattice?
    switch cell {
    case .cubic(let factor): lattice = try? .cubic(factor * d)
    case .hexagonal(let factor, let cOverA):
      lattice = try? .hexagonal(a: factor * d, c: cOverA * factor * d)
    case .tetragonal(let factor, let cOverA):
      let a = factor * d
      lattice = try? Lattice(a: a, b: a, c: cOverA * a, alpha: 90, beta: 90, gamma: 90)
    case .faceCentredPrimitive(let factor):
      let half = factor * d / 2
      lattice = try? Lattice(
        matrix: Matrix3(Vector3(0, half, half), Vector3(half, 0, half), Vector3(half, half, 0)))
    }
    guard let lattice else { return nil }
    let formula = Composition(sites.map { elements[$0.role] }).formula
    return try? Structure(
      lattice: lattice, elements: sites.map { elements[$0.role] },
      fractional: sites.map(\.position),
      id: "hypothetical:\(name):\(formula)")
  }
}

/// Positions `basis` repeated at the four face-centred-cubic lattice points.
func faceCentred(_ basis: [(Int, Vector3)]) -> [(role: Int, position: Vector3)] {
  let translations = [
    Vector3(0, 0, 0), Vector3(0, 0.5, 0.5), Vector3(0.5, 0, 0.5), Vector3(0.5, 0.5, 0),
  ]
  return basis.flatMap { role, position in
    translations.map { (role, wrap(position + $0)) }
  }
}
