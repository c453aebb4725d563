import CrystalCore
import Foundation

/// Finds a primitive cell the way pymatgen's `get_primitive_structure(tolerance: 0.25)` does:
/// candidate translations are the vectors between atoms of the rarest species that carry every
/// atom onto an atom of the same species; each Hermite-normal-form supercell matrix whose inverse
/// rows are such translations defines a smaller cell, accepted when the atoms fall into equal-size
/// groups of mutually close images. The search repeats on the smaller cell, whose lattice is
/// then Niggli-reduced.
enum PrimitiveCell {
  static func find(_ cell: Cell, tolerance: Double = 0.25) -> Cell {
    // Species groups ordered by chemical symbol, as pymatgen sorts sites by species string.
    let symbols = Dictionary(
      uniqueKeysWithValues: Set(cell.species).map { ($0, Element(z: $0)?.symbol ?? "\($0)") })
    let groupSpecies = Set(cell.species).sorted { symbols[$0]! < symbols[$1]! }
    let groups = groupSpecies.map { z in cell.fractional.indices.filter { cell.species[$0] == z } }
    let coordinates = groups.map { $0.map { cell.fractional[$0] } }

    let superTolerance = Vector3(repeating: tolerance) / rowLengths(cell.lattice)
    let sizeOrder = coordinates.indices.sorted { coordinates[$0].count < coordinates[$1].count }
    let rarest = coordinates[sizeOrder[0]]
    var translations = rarest.map { $0 - rarest[0] }
    for g in sizeOrder {
      for origin in coordinates[g] {
        translations = translations.filter { t in
          coordinates[g].contains { within(t - ($0 - origin), 2 * superTolerance) }
        }
      }
    }

    // Atoms of one species that are too close to be images of each other in a smaller cell.
    let distinct = coordinates.map { coords in
      coords.indices.map { i in
        coords.indices.map { j in
          i == j || !within(coords[j] - coords[i], 2 * superTolerance, inclusive: true)
        }
      }
    }

    let formulaUnits = groups.map(\.count).reduce(0) { gcd($0, $1) }
    for (size, supercell) in hermiteNormalForms(formulaUnits: formulaUnits) {
      let inverse = supercell.inverse!
      guard
        (0..<3).allSatisfy({ row in
          translations.contains { within(inverse[row] - $0, superTolerance) }
        })
      else { continue }
      let newLattice = inverse * cell.lattice
      let newTolerance = Vector3(repeating: tolerance) / rowLengths(newLattice)
      var species: [Int] = []
      var fractional: [Vector3] = []
      var valid = true
      for (g, coords) in coordinates.enumerated() where valid {
        let images = coords.map { $0 * supercell }
        let close = images.indices.map { i in
          images.indices.map { j in
            distinct[g][i][j] && within(images[j] - images[i], newTolerance)
          }
        }
        for j in images.indices where close.indices.filter({ close[$0][j] }).count != size {
          valid = false
        }
        guard valid else { break }
        for row in close {
          let members = row.indices.filter { row[$0] }
          if !members.allSatisfy({ i in members.allSatisfy { close[i][$0] } }) { valid = false }
        }
        guard valid else { break }
        var added = [Bool](repeating: false, count: images.count)
        let reducedImages = images.map { $0 - $0.rounded(.down) }
        for i in images.indices where !added[i] {
          let members = close[i].indices.filter { close[i][$0] }
          for member in members { added[member] = true }
          var position = reducedImages[members[0]]
          for (k, member) in members.dropFirst().enumerated() {
            position += nearestImage(reducedImages[member] - position) / Double(k + 2)
          }
          species.append(groupSpecies[g])
          fractional.append(position)
        }
      }
      guard valid else { continue }
      let smaller = find(
        Cell(lattice: newLattice, species: species, fractional: fractional), tolerance: tolerance)
      return smaller.rebased(onto: LatticeReduction.niggli(smaller.lattice))
    }
    return cell
  }

  /// True when every component of `v`, taken to its nearest periodic image, is within `tol`.
  private static func within(_ v: Vector3, _ tol: Vector3, inclusive: Bool = false) -> Bool {
    let d = absolute(nearestImage(v))
    return inclusive
      ? (d.x <= tol.x && d.y <= tol.y && d.z <= tol.z) : (d.x < tol.x && d.y < tol.y && d.z < tol.z)
  }

  /// Upper-triangular supercell matrices [[a, b, c], [0, e, f], [0, 0, g]] of every determinant
  /// dividing `formulaUnits` except 1, smallest determinants first.
  private static func hermiteNormalForms(formulaUnits: Int) -> [(Int, Matrix3)] {
    func divisors(_ n: Int) -> [Int] { (1...max(n, 1)).filter { n % $0 == 0 } }
    var result: [(Int, Matrix3)] = []
    for det in divisors(formulaUnits) where det > 1 {
      for a in divisors(det) {
        for e in divisors(det / a) {
          let g = det / a / e
          for b in 0..<a {
            for c in 0..<a {
              for f in 0..<e {
                result.append(
                  (
                    det,
                    Matrix3(
                      Vector3(Double(a), Double(b), Double(c)), Vector3(0, Double(e), Double(f)),
                      Vector3(0, 0, Double(g)))
                  ))
              }
            }
          }
        }
      }
    }
    return result
  }

  private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
