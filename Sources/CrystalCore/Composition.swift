/// Element amounts of a structure or formula, e.g. {Sr: 1, Ti: 1, O: 3}.
public struct Composition: Hashable, Sendable, CustomStringConvertible {
  /// Amount of each element (integers for structures).
  public let counts: [Element: Int]

  public init(_ elements: [Element]) {
    var counts: [Element: Int] = [:]
    for element in elements { counts[element, default: 0] += 1 }
    self.counts = counts
  }

  public init(counts: [Element: Int]) { self.counts = counts.filter { $0.value != 0 } }

  /// Elements present, ordered by atomic number.
  public var elements: [Element] { counts.keys.sorted() }

  /// Total number of atoms.
  public var atomCount: Int { counts.values.reduce(0, +) }

  /// Molar mass in amu.
  public var weight: Double { counts.reduce(0) { $0 + $1.key.atomicMass * Double($1.value) } }

  /// Fraction of atoms of `element`.
  public func fraction(of element: Element) -> Double {
    Double(counts[element] ?? 0) / Double(atomCount)
  }

  /// Amounts divided by their greatest common divisor.
  public var reduced: Composition {
    let divisor = counts.values.reduce(0) { gcd($0, $1) }
    return Composition(counts: counts.mapValues { $0 / max(divisor, 1) })
  }

  /// The chemical system, e.g. "O-Sr-Ti" (symbols sorted alphabetically).
  public var chemicalSystem: String { counts.keys.map(\.symbol).sorted().joined(separator: "-") }

  /// Canonical reduced formula, usable as a bucket key: elements ordered by electronegativity
  /// (then symbol), as pymatgen orders formulas, amounts of 1 omitted, e.g. "SrTiO3".
  /// Elements without an electronegativity sort last.
  public var reducedFormula: String { reduced.formula }

  /// Formula of this composition as it stands, elements in the same order as `reducedFormula`.
  public var formula: String {
    let ordered = counts.keys.sorted { lhs, rhs in
      let (l, r) = (lhs.electronegativity ?? .infinity, rhs.electronegativity ?? .infinity)
      return l != r ? l < r : lhs.symbol < rhs.symbol
    }
    return ordered.map { element in
      let amount = counts[element]!
      return amount == 1 ? element.symbol : "\(element.symbol)\(amount)"
    }.joined()
  }

  public var description: String { formula }
}

private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
