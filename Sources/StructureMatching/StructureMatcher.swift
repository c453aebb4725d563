import CrystalCore
import Foundation

/// Decides whether two crystal structures are the same, with pymatgen's `StructureMatcher`
/// semantics and defaults: both are reduced to Niggli-reduced primitive cells, scaled to the
/// same volume, and matched if some basis of the first has lengths within `ltol` (relative)
/// and angles within `angleTol` (degrees) of the second's, and, after the best translation,
/// every site lies within `stol` × (V/N)^(1/3) of a site of the same element (optimal
/// one-to-one assignment). Species must match exactly; supercells are not attempted.
public struct StructureMatcher: Sendable {
  public let ltol: Double
  public let stol: Double
  public let angleTol: Double
  public let primitiveCell: Bool
  public let scale: Bool

  public init(
    ltol: Double = 0.2, stol: Double = 0.3, angleTol: Double = 5, primitiveCell: Bool = true,
    scale: Bool = true
  ) {
    self.ltol = ltol
    self.stol = stol
    self.angleTol = angleTol
    self.primitiveCell = primitiveCell
    self.scale = scale
  }

  /// The structure in the form matching works on: Niggli-reduced, primitive (when enabled),
  /// Niggli-reduced again. Reduce once and pass the result to `fit(reduced:_:)` when matching
  /// one structure against many.
  public func reduced(_ structure: Structure) -> Structure {
    let niggli = structure.rebased(on: structure.lattice.niggliReduced())
    guard primitiveCell else { return niggli }
    let primitive = PrimitiveCell.reduce(niggli)
    return primitive.rebased(on: primitive.lattice.niggliReduced())
  }

  /// Whether `a` and `b` are the same structure.
  public func fit(_ a: Structure, _ b: Structure) -> Bool {
    guard a.composition.reduced == b.composition.reduced else { return false }
    return fitReduced(reduced(a), reduced(b))
  }

  /// `fit` for structures already passed through `reduced`.
  public func fitReduced(_ a: Structure, _ b: Structure) -> Bool {
    matchDistance(a, b) != nil
  }

  /// Groups structures that match, pymatgen's `group_structures`: within each reduced
  /// formula, the earliest unassigned structure collects every later one it fits. Groups are
  /// lists of indices; the first index of each group is its earliest member.
  public func group(_ structures: [Structure]) -> [[Int]] {
    groupReduced(structures.map(reduced))
  }

  /// `group` for structures already passed through `reduced`.
  public func groupReduced(_ reducedStructures: [Structure]) -> [[Int]] {
    var byFormula: [String: [Int]] = [:]
    var order: [String] = []
    for (index, structure) in reducedStructures.enumerated() {
      let key = structure.composition.reducedFormula
      if byFormula[key] == nil { order.append(key) }
      byFormula[key, default: []].append(index)
    }
    var groups: [[Int]] = []
    for key in order {
      var unmatched = byFormula[key]!
      while !unmatched.isEmpty {
        let leader = unmatched.removeFirst()
        let members = unmatched.filter {
          fitReduced(reducedStructures[leader], reducedStructures[$0])
        }
        unmatched.removeAll { members.contains($0) }
        groups.append([leader] + members)
      }
    }
    return groups
  }

  /// The largest normalized site displacement of the first lattice mapping and translation
  /// that brings every site within `stol`; nil when none does.
  func matchDistance(_ first: Structure, _ second: Structure) -> Double? {
    guard first.count == second.count else { return nil }
    var s1 = first
    var s2 = second
    if scale {
      let ratio = pow(s2.volume / s1.volume, 1.0 / 6)
      s1 = s1.scaled(by: ratio)
      s2 = s2.scaled(by: 1 / ratio)
    }
    let count = s1.count
    // mask[i2][i1]: site i2 of s2 cannot pair with site i1 of s1.
    let mask = s2.sites.map { site2 in s1.sites.map { $0.element != site2.element } }
    let anchor = mask.indices.max { lhs, rhs in
      mask[lhs].filter { $0 }.count < mask[rhs].filter { $0 }.count
    }!
    let anchorPartners = (0..<count).filter { !mask[anchor][$0] }
    let s2Fractional = s2.sites.map(\.fractional)
    let cartesian1 = s1.cartesianCoordinates
    for lattice in LatticeMapping.mappings(
      of: s1.lattice, onto: s2.lattice, lengthTolerance: ltol, angleTolerance: angleTol)
    {
      let s1Fractional = cartesian1.map { point -> Vector3 in
        let f = lattice.fractional(point)
        return f - f.rounded(.down)
      }
      guard let average = averageLattice(lattice, s2.lattice) else { continue }
      let normalization = cbrt(Double(count) / average.volume)
      let spacings = interplanarSpacings(average)
      let fractionalTolerance = Vector3(repeating: 2 * stol / normalization) / spacings
      let reducedAverage = average.niggliReduced()
      for partner in anchorPartners {
        let translation = s1Fractional[partner] - s2Fractional[anchor]
        let shifted = s2Fractional.map { $0 + translation }
        guard isSubset(shifted, of: s1Fractional, tolerance: fractionalTolerance, mask: mask)
        else { continue }
        let value =
          assignedDistances(
            shifted, s1Fractional, average: average, reduced: reducedAverage, mask: mask
          ).max()! * normalization
        if value < stol { return value }
      }
    }
    return nil
  }

  /// Every position of `subset` is within `tolerance` (per fractional axis, periodic) of an
  /// allowed position of `superset`.
  private func isSubset(
    _ subset: [Vector3], of superset: [Vector3], tolerance: Vector3, mask: [[Bool]]
  ) -> Bool {
    subset.indices.allSatisfy { i in
      superset.indices.contains { j in
        guard !mask[i][j] else { return false }
        let d = superset[j] - subset[i]
        let folded = d - d.rounded(.toNearestOrAwayFromZero)
        return abs(folded.x) < tolerance.x && abs(folded.y) < tolerance.y
          && abs(folded.z) < tolerance.z
      }
    }
  }

  /// Distances (Å) of the optimal one-to-one pairing of `s2` sites with `s1` sites by shortest
  /// periodic vectors, after removing the mean displacement (the best extra translation).
  private func assignedDistances(
    _ s2: [Vector3], _ s1: [Vector3], average: Lattice, reduced: Lattice, mask: [[Bool]]
  ) -> [Double] {
    let toReduced = reduced.inverseMatrix
    var vectors = [[Vector3]](repeating: [], count: s2.count)
    var costs = [[Double]](repeating: [], count: s2.count)
    for i in s2.indices {
      for j in s1.indices {
        let vector = shortestVector(
          s1[j] - s2[i], average: average, reduced: reduced, toReduced: toReduced)
        vectors[i].append(vector)
        costs[i].append(mask[i][j] ? 1e20 : dot(vector, vector))
      }
    }
    let assignment = LinearAssignment.solve(costs)
    let paired = s2.indices.map { vectors[$0][assignment[$0]] }
    let mean = paired.reduce(Vector3.zero, +) / Double(paired.count)
    return paired.map { CrystalCore.length($0 - mean) }
  }

  /// The shortest Cartesian vector equivalent to fractional displacement `d` (in `average`'s
  /// basis), searched over the 27 nearest images in the reduced basis.
  private func shortestVector(_ d: Vector3, average: Lattice, reduced: Lattice, toReduced: Matrix3)
    -> Vector3
  {
    let folded = d - d.rounded(.toNearestOrAwayFromZero)
    var f = average.cartesian(folded) * toReduced
    f -= f.rounded(.toNearestOrAwayFromZero)
    var best = Vector3.zero
    var bestLength = Double.infinity
    for i in -1...1 {
      for j in -1...1 {
        for k in -1...1 {
          let candidate = reduced.cartesian(f + Vector3(Double(i), Double(j), Double(k)))
          let squared = dot(candidate, candidate)
          if squared < bestLength {
            bestLength = squared
            best = candidate
          }
        }
      }
    }
    return best
  }

  /// The lattice with the averaged lengths and angles of two lattices.
  private func averageLattice(_ a: Lattice, _ b: Lattice) -> Lattice? {
    let lengths = (a.lengths + b.lengths) / 2
    let angles = (a.angles + b.angles) / 2
    return try? Lattice(
      a: lengths.x, b: lengths.y, c: lengths.z, alpha: angles.x, beta: angles.y, gamma: angles.z)
  }

  private func interplanarSpacings(_ lattice: Lattice) -> Vector3 {
    let (a, b, c) = lattice.matrix.rows
    let volume = lattice.volume
    return Vector3(
      volume / CrystalCore.length(cross(b, c)), volume / CrystalCore.length(cross(c, a)),
      volume / CrystalCore.length(cross(a, b)))
  }
}

extension Structure {
  /// The structure with its lattice scaled by `factor` (fractional coordinates kept).
  func scaled(by factor: Double) -> Structure {
    let m = lattice.matrix
    guard let lattice = try? Lattice(matrix: Matrix3(m[0] * factor, m[1] * factor, m[2] * factor))
    else { return self }
    return (try? Structure(lattice: lattice, sites: sites, id: id)) ?? self
  }
}
