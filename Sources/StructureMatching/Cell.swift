import CrystalCore
import Foundation

/// A periodic cell as the matcher works on it: lattice rows in Å, atomic numbers and fractional
/// coordinates. Unlike `Structure` it can be rebuilt freely during reductions without validation.
struct Cell: Sendable {
  var lattice: Matrix3
  var species: [Int]
  var fractional: [Vector3]

  init(lattice: Matrix3, species: [Int], fractional: [Vector3]) {
    self.lattice = lattice
    self.species = species
    self.fractional = fractional
  }

  init(_ structure: Structure) {
    self.init(
      lattice: structure.lattice.matrix, species: structure.sites.map(\.element.z),
      fractional: structure.sites.map(\.fractional))
  }

  var count: Int { species.count }
  var volume: Double { abs(lattice.determinant) }

  /// Cartesian coordinates of every site.
  var cartesian: [Vector3] { fractional.map { $0 * lattice } }

  /// The same atoms described in the basis `newLattice`, coordinates wrapped into [0, 1).
  func rebased(onto newLattice: Matrix3) -> Cell {
    let inverse = newLattice.inverse!
    return Cell(
      lattice: newLattice, species: species,
      fractional: cartesian.map { wrapped($0 * inverse) })
  }
}

/// Coordinates reduced into [0, 1).
func wrapped(_ v: Vector3) -> Vector3 {
  let w = v - v.rounded(.down)
  // Values a hair below 1 can round up to exactly 1 in floating point.
  return Vector3(w.x < 1 ? w.x : 0, w.y < 1 ? w.y : 0, w.z < 1 ? w.z : 0)
}

/// Difference reduced to the nearest periodic image, each component in [-0.5, 0.5].
func nearestImage(_ v: Vector3) -> Vector3 { v - v.rounded(.toNearestOrEven) }

/// Lengths of the three rows of a matrix.
func rowLengths(_ m: Matrix3) -> Vector3 { Vector3(length(m[0]), length(m[1]), length(m[2])) }

/// Lengths |a|, |b|, |c| and angles alpha, beta, gamma (degrees) of a lattice matrix.
func latticeParameters(_ m: Matrix3) -> (lengths: Vector3, angles: Vector3) {
  let lengths = rowLengths(m)
  func angle(_ i: Int, _ j: Int) -> Double {
    let cosine = dot(m[i], m[j]) / (lengths[i] * lengths[j])
    return acos(max(-1, min(1, cosine))) * 180 / .pi
  }
  return (lengths, Vector3(angle(1, 2), angle(0, 2), angle(0, 1)))
}

/// A lattice matrix with the given lengths and angles (degrees), a along x, b in the xy-plane.
func latticeMatrix(lengths: Vector3, angles: Vector3) -> Matrix3 {
  let (ca, cb, cg) = (
    cos(angles.x * .pi / 180), cos(angles.y * .pi / 180), cos(angles.z * .pi / 180)
  )
  let sg = sin(angles.z * .pi / 180)
  let cx = lengths.z * cb
  let cy = lengths.z * (ca - cb * cg) / sg
  let cz = max(lengths.z * lengths.z - cx * cx - cy * cy, 0).squareRoot()
  return Matrix3(
    Vector3(lengths.x, 0, 0), Vector3(lengths.y * cg, lengths.y * sg, 0), Vector3(cx, cy, cz))
}

/// Lengths of the reciprocal lattice vectors, including the factor 2π (as crystallographic
/// software such as pymatgen defines them).
func reciprocalLengths(_ m: Matrix3) -> Vector3 {
  let inverseTransposed = m.inverse!.transposed
  return 2 * .pi * rowLengths(inverseTransposed)
}

/// Component-wise absolute value.
func absolute(_ v: Vector3) -> Vector3 { Vector3(abs(v.x), abs(v.y), abs(v.z)) }
