import CrystalCore
import Foundation

/// An entry of a phase diagram: a composition and its total energy (eV).
public struct PhaseEntry: Sendable {
  public let composition: Composition
  public let energy: Double

  public init(composition: Composition, energy: Double) {
    self.composition = composition
    self.energy = energy
  }

  public var energyPerAtom: Double { energy / Double(composition.atomCount) }
}

/// The lower convex hull of energy per atom over composition, per chemical system, as
/// pymatgen's `PhaseDiagram` defines it. For an entry, only the reference entries whose
/// elements are a subset of the entry's elements take part (the hull restricted to that
/// face of composition space), so systems of many elements never need one large hull; the
/// hull energy at a composition is the linear program min Σλᵢeᵢ subject to Σλᵢxᵢ = x, λ ≥ 0.
public struct PhaseDiagram: Sendable {
  /// Reference entries by chemical system ("Fe-O").
  private let entriesBySystem: [String: [PhaseEntry]]
  /// The lowest energy per atom of each element's elemental entries.
  private let elementalReference: [Element: Double]

  public init(references: [PhaseEntry]) {
    var bySystem: [String: [PhaseEntry]] = [:]
    var elemental: [Element: Double] = [:]
    for entry in references where entry.energy.isFinite && entry.composition.atomCount > 0 {
      bySystem[entry.composition.chemicalSystem, default: []].append(entry)
      if entry.composition.counts.count == 1, let element = entry.composition.elements.first {
        elemental[element] = min(elemental[element] ?? .infinity, entry.energyPerAtom)
      }
    }
    entriesBySystem = bySystem
    elementalReference = elemental
  }

  /// Energy per atom of the lower hull at `composition`; nil when an element of it has no
  /// elemental reference (the hull is undefined there).
  public func hullEnergyPerAtom(_ composition: Composition) -> Double? {
    let elements = composition.elements
    guard elements.allSatisfy({ elementalReference[$0] != nil }) else { return nil }
    var candidates: [PhaseEntry] = []
    for subset in 1..<(1 << elements.count) {
      let members = elements.indices.filter { subset & (1 << $0) != 0 }.map { elements[$0] }
      let system = members.map(\.symbol).sorted().joined(separator: "-")
      candidates += entriesBySystem[system] ?? []
    }
    let total = Double(composition.atomCount)
    let target = elements.map { Double(composition.counts[$0]!) / total }
    let columns = candidates.map { entry -> [Double] in
      let atoms = Double(entry.composition.atomCount)
      return elements.map { Double(entry.composition.counts[$0] ?? 0) / atoms }
    }
    // Start from the elemental references: feasible with λ = the target fractions.
    let start = elements.map { element in
      candidates.indices.filter {
        candidates[$0].composition.counts.count == 1
          && candidates[$0].composition.counts[element] != nil
      }.min { candidates[$0].energyPerAtom < candidates[$1].energyPerAtom }!
    }
    return LinearProgram.minimize(
      costs: candidates.map(\.energyPerAtom), columns: columns, target: target, basis: start)
  }

  /// Energy above the hull in eV/atom (negative below it), or NaN when an element of the
  /// entry lacks an elemental reference.
  public func energyAboveHull(_ entry: PhaseEntry) -> Double {
    guard let hull = hullEnergyPerAtom(entry.composition) else { return .nan }
    return entry.energyPerAtom - hull
  }
}

/// A small dense revised-simplex solver for min cᵀλ s.t. Aλ = b, λ ≥ 0, started from a
/// feasible basis.
enum LinearProgram {
  static let tolerance = 1e-12

  /// The optimal objective; `columns[j]` is column j of A, `basis` a feasible starting basis.
  static func minimize(costs: [Double], columns: [[Double]], target: [Double], basis start: [Int])
    -> Double
  {
    let rows = target.count
    var basis = start
    var iterations = 0
    while iterations < 10_000 {
      iterations += 1
      let matrix = (0..<rows).map { r in basis.map { columns[$0][r] } }
      guard let values = solve(matrix, target),
        let duals = solve(transpose(matrix), basis.map { costs[$0] })
      else { break }
      // Entering column: most negative reduced cost (Bland's rule after many iterations).
      var entering: Int?
      var best = -1e-10
      for j in costs.indices where !basis.contains(j) {
        let reduced = costs[j] - zip(duals, columns[j]).reduce(0) { $0 + $1.0 * $1.1 }
        if reduced < best {
          entering = j
          best = reduced
          if iterations > 50 { break }
        }
      }
      guard let entering, let direction = solve(matrix, columns[entering]) else {
        return zip(basis, values).reduce(0) { $0 + costs[$1.0] * $1.1 }
      }
      var leaving: Int?
      var ratio = Double.infinity
      for r in 0..<rows where direction[r] > tolerance {
        let candidate = max(values[r], 0) / direction[r]
        if candidate < ratio - tolerance { (leaving, ratio) = (r, candidate) }
      }
      guard let leaving else { break }  // unbounded: cannot happen for a convex combination
      basis[leaving] = entering
    }
    return .nan
  }

  /// Solves M x = b by Gaussian elimination with partial pivoting; nil when singular.
  static func solve(_ m: [[Double]], _ b: [Double]) -> [Double]? {
    let n = b.count
    var a = m
    var x = b
    for column in 0..<n {
      guard let pivot = (column..<n).max(by: { abs(a[$0][column]) < abs(a[$1][column]) }),
        abs(a[pivot][column]) > 1e-14
      else { return nil }
      a.swapAt(column, pivot)
      x.swapAt(column, pivot)
      for r in column + 1..<n {
        let factor = a[r][column] / a[column][column]
        guard factor != 0 else { continue }
        for c in column..<n { a[r][c] -= factor * a[column][c] }
        x[r] -= factor * x[column]
      }
    }
    for r in stride(from: n - 1, through: 0, by: -1) {
      var sum = x[r]
      for c in r + 1..<n { sum -= a[r][c] * x[c] }
      x[r] = sum / a[r][r]
    }
    return x
  }

  private static func transpose(_ m: [[Double]]) -> [[Double]] {
    guard let first = m.first else { return m }
    return first.indices.map { c in m.map { $0[c] } }
  }
}
