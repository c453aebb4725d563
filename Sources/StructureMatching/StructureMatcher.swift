import CrystalCore
import Foundation

/// Decides whether two crystal structures are the same, with the verdicts of pymatgen's
/// `StructureMatcher()`: equal reduced compositions, Niggli-reduced primitive cells scaled to equal
/// volume, a lattice basis of the first whose lengths and angles agree with the second's within
/// `ltol` and `angleTol`, and a species-preserving pairing of sites whose largest displacement,
/// after removing the mean translation, is below `stol × (V/N)^(1/3)`.
///
/// Typical uses: `group` a batch to find its unique structures (the first of each group), and
/// `fit` a structure against the references of its reduced formula to decide novelty; reduce
/// structures that are compared many times once with `reduce` and compare the results.
public struct StructureMatcher: Sendable {
  /// Fractional tolerance on lattice vector lengths.
  public let ltol: Double
  /// Site tolerance, a fraction of the average free length per atom `(V/N)^(1/3)`.
  public let stol: Double
  /// Tolerance on lattice angles, in degrees.
  public let angleTol: Double
  /// Whether structures are reduced to primitive cells before matching.
  public let primitiveCell: Bool
  /// Whether both structures are scaled to the same volume before matching.
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

  /// A structure prepared for matching: its Niggli-reduced (primitive, when `primitiveCell`) cell.
  public struct Reduced: Sendable {
    /// Reduced composition of the structure; only structures with equal ones can match.
    public let reducedComposition: Composition
    let cell: Cell
  }

  /// Reduces `structure` once, for repeated comparisons.
  public func reduce(_ structure: Structure) -> Reduced {
    let cell = Cell(structure)
    var reduced = cell.rebased(onto: LatticeReduction.niggli(cell.lattice))
    if primitiveCell { reduced = PrimitiveCell.find(reduced) }
    return Reduced(reducedComposition: structure.composition.reduced, cell: reduced)
  }

  /// Whether `a` and `b` are the same structure.
  public func fit(_ a: Structure, _ b: Structure) -> Bool {
    guard a.composition.reduced == b.composition.reduced else { return false }
    return fit(reduce(a), reduce(b))
  }

  /// Whether two reduced structures are the same structure.
  public func fit(_ a: Reduced, _ b: Reduced) -> Bool {
    guard a.reducedComposition == b.reducedComposition else { return false }
    guard let value = bestMatch(a.cell, b.cell, minimizeRMS: false) else { return false }
    return value.maxDistance <= stol
  }

  /// The smallest RMS displacement over all matchings of `b` onto `a` and the largest paired
  /// distance of that matching, both normalized by `(V/N)^(1/3)`; nil when no matching is within
  /// tolerance.
  public func rmsDistance(_ a: Structure, _ b: Structure) -> (rms: Double, maxDist: Double)? {
    guard let match = bestMatch(reduce(a).cell, reduce(b).cell, minimizeRMS: true) else {
      return nil
    }
    return (match.rms, match.maxDistance)
  }

  /// Groups `structures` into sets of matching structures, as pymatgen's `group_structures`:
  /// within each reduced formula, the first unassigned structure collects every later one that
  /// fits it. Groups hold indices in ascending order and are ordered by their first index, so the
  /// first index of each group is the unique representative.
  public func group(_ structures: [Structure]) -> [[Int]] {
    group(reduced: structures.map(reduce))
  }

  /// `group` for structures already passed through `reduce`.
  public func group(reduced: [Reduced]) -> [[Int]] {
    var buckets: [Composition: [Int]] = [:]
    var bucketOrder: [Composition] = []
    for (index, structure) in reduced.enumerated() {
      if buckets[structure.reducedComposition] == nil {
        bucketOrder.append(structure.reducedComposition)
      }
      buckets[structure.reducedComposition, default: []].append(index)
    }
    var groups: [[Int]] = []
    for key in bucketOrder {
      var unmatched = buckets[key]!
      while !unmatched.isEmpty {
        let reference = unmatched.removeFirst()
        let matches = unmatched.filter { fit(reduced[reference], reduced[$0]) }
        unmatched.removeAll { matches.contains($0) }
        groups.append([reference] + matches)
      }
    }
    return groups.sorted { $0[0] < $1[0] }
  }

  /// The best site assignment of `second` onto `first` over all matching lattice bases and
  /// anchor translations: the first one below `stol` when minimizing the largest distance, the
  /// smallest RMS otherwise. Nil when none is below `stol`.
  private func bestMatch(_ first: Cell, _ second: Cell, minimizeRMS: Bool) -> SiteAssignment? {
    guard first.count == second.count, first.species.sorted() == second.species.sorted() else {
      return nil
    }
    var (cell1, cell2) = (first, second)
    if scale {
      let ratio = pow(cell2.volume / cell1.volume, 1.0 / 6)
      cell1.lattice = scaled(cell1.lattice, by: ratio)
      cell2.lattice = scaled(cell2.lattice, by: 1 / ratio)
    }
    let n = cell1.count
    // Anchor: the first site of the second cell with the rarest species; every site of that
    // species in the first cell is tried as its image.
    var speciesCount: [Int: Int] = [:]
    for z in cell2.species { speciesCount[z, default: 0] += 1 }
    let anchor = cell2.species.indices.min {
      speciesCount[cell2.species[$0]]! < speciesCount[cell2.species[$1]]!
    }!
    let anchorImages = cell1.species.indices.filter { cell1.species[$0] == cell2.species[anchor] }
    let allowed = { (i: Int, j: Int) in cell2.species[i] == cell1.species[j] }

    let cartesian1 = cell1.cartesian
    let (lengths2, angles2) = latticeParameters(cell2.lattice)
    var best: (value: Double, assignment: SiteAssignment)?
    for basis in LatticeMapping.bases(
      of: cell1.lattice, like: cell2.lattice, ltol: ltol, angleTol: angleTol)
    {
      let inverse = basis.inverse!
      let fractional1 = cartesian1.map { wrapped($0 * inverse) }
      let (lengths1, angles1) = latticeParameters(basis)
      let average = latticeMatrix(
        lengths: (lengths1 + lengths2) / 2, angles: (angles1 + angles2) / 2)
      let normalization = pow(Double(n) / abs(average.determinant), 1.0 / 3)
      let fractionalTolerance = reciprocalLengths(average) * stol / (.pi * normalization)
      var metric: PeriodicMetric?
      for image in anchorImages {
        let translation = fractional1[image] - cell2.fractional[anchor]
        let moved = cell2.fractional.map { $0 + translation }
        let covered = moved.indices.allSatisfy { i in
          fractional1.indices.contains { j in
            allowed(i, j)
              && all(absolute(nearestImage(moved[i] - fractional1[j])) .< fractionalTolerance)
          }
        }
        guard covered else { continue }
        if metric == nil { metric = PeriodicMetric(average) }
        let assignment = SiteAssignment(
          fixed: fractional1, moving: moved, allowed: allowed, lattice: metric!,
          normalization: normalization)
        let value = minimizeRMS ? assignment.rms : assignment.maxDistance
        if best == nil || value < best!.value {
          best = (value, assignment)
          if (!minimizeRMS || value < 1e-5) && value < stol { return assignment }
        }
      }
    }
    guard let best, best.value < stol else { return nil }
    return best.assignment
  }

  private func scaled(_ m: Matrix3, by factor: Double) -> Matrix3 {
    Matrix3(factor * m[0], factor * m[1], factor * m[2])
  }
}
