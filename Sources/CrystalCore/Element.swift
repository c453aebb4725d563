/// A chemical element of the periodic table, H (Z = 1) through Lr (Z = 103).
public struct Element: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Atomic number.
  public let z: Int

  /// The element with atomic number `z`, or nil when `z` is outside 1...103.
  public init?(z: Int) {
    guard (1...Element.table.count).contains(z) else { return nil }
    self.z = z
  }

  /// The element with the given symbol ("Fe"), or nil for an unknown symbol.
  public init?(symbol: String) {
    guard let z = Element.zBySymbol[symbol] else { return nil }
    self.z = z
  }

  /// Chemical symbol, e.g. "Fe".
  public var symbol: String { Element.table[z - 1].symbol }
  /// Standard atomic mass in unified atomic mass units (g/mol).
  public var atomicMass: Double { Element.table[z - 1].mass }
  /// Pauling electronegativity, or nil where none is defined (noble gases).
  public var electronegativity: Double? { Element.table[z - 1].electronegativity }
  /// Period (row) of the periodic table.
  public var period: Int { Element.periodStarts.lastIndex { $0 <= z }! + 1 }

  /// Group (column, 1-18) of the periodic table; lanthanides and actinides count as group 3.
  public var group: Int {
    let offset = z - Element.periodStarts[period - 1]
    switch period {
    case 1: return z == 1 ? 1 : 18
    case 2, 3: return offset < 2 ? offset + 1 : offset + 11
    case 4, 5: return offset + 1
    default:
      if offset < 2 { return offset + 1 }
      if offset < 17 { return 3 }
      return offset - 14 + 1
    }
  }

  public var description: String { symbol }

  public static func < (lhs: Element, rhs: Element) -> Bool { lhs.z < rhs.z }

  /// Every element, ordered by atomic number.
  public static let all: [Element] = (1...table.count).map { Element(z: $0)! }

  private static let periodStarts = [1, 3, 11, 19, 37, 55, 87]

  private static let zBySymbol: [String: Int] = Dictionary(
    uniqueKeysWithValues: table.enumerated().map { ($0.element.symbol, $0.offset + 1) })

  /// Symbol, standard atomic mass (IUPAC; mass number of the longest-lived isotope for
  /// elements without a stable one, as pymatgen uses) and Pauling electronegativity.
  private static let table: [(symbol: String, mass: Double, electronegativity: Double?)] = [
    ("H", 1.00794, 2.20), ("He", 4.002602, nil), ("Li", 6.941, 0.98), ("Be", 9.012182, 1.57),
    ("B", 10.811, 2.04), ("C", 12.0107, 2.55), ("N", 14.0067, 3.04), ("O", 15.9994, 3.44),
    ("F", 18.9984032, 3.98), ("Ne", 20.1797, nil), ("Na", 22.98976928, 0.93),
    ("Mg", 24.3050, 1.31), ("Al", 26.9815386, 1.61), ("Si", 28.0855, 1.90),
    ("P", 30.973762, 2.19), ("S", 32.065, 2.58), ("Cl", 35.453, 3.16), ("Ar", 39.948, nil),
    ("K", 39.0983, 0.82), ("Ca", 40.078, 1.00), ("Sc", 44.955912, 1.36), ("Ti", 47.867, 1.54),
    ("V", 50.9415, 1.63), ("Cr", 51.9961, 1.66), ("Mn", 54.938045, 1.55), ("Fe", 55.845, 1.83),
    ("Co", 58.933195, 1.88), ("Ni", 58.6934, 1.91), ("Cu", 63.546, 1.90), ("Zn", 65.409, 1.65),
    ("Ga", 69.723, 1.81), ("Ge", 72.64, 2.01), ("As", 74.92160, 2.18), ("Se", 78.96, 2.55),
    ("Br", 79.904, 2.96), ("Kr", 83.798, 3.00), ("Rb", 85.4678, 0.82), ("Sr", 87.62, 0.95),
    ("Y", 88.90585, 1.22), ("Zr", 91.224, 1.33), ("Nb", 92.90638, 1.6), ("Mo", 95.94, 2.16),
    ("Tc", 98.0, 1.9), ("Ru", 101.07, 2.2), ("Rh", 102.90550, 2.28), ("Pd", 106.42, 2.20),
    ("Ag", 107.8682, 1.93), ("Cd", 112.411, 1.69), ("In", 114.818, 1.78), ("Sn", 118.710, 1.96),
    ("Sb", 121.760, 2.05), ("Te", 127.60, 2.1), ("I", 126.90447, 2.66), ("Xe", 131.293, 2.6),
    ("Cs", 132.9054519, 0.79), ("Ba", 137.327, 0.89), ("La", 138.90547, 1.10),
    ("Ce", 140.116, 1.12), ("Pr", 140.90765, 1.13), ("Nd", 144.242, 1.14), ("Pm", 145.0, nil),
    ("Sm", 150.36, 1.17), ("Eu", 151.964, nil), ("Gd", 157.25, 1.20), ("Tb", 158.92535, nil),
    ("Dy", 162.500, 1.22), ("Ho", 164.93032, 1.23), ("Er", 167.259, 1.24),
    ("Tm", 168.93421, 1.25), ("Yb", 173.04, nil), ("Lu", 174.967, 1.27), ("Hf", 178.49, 1.3),
    ("Ta", 180.94788, 1.5), ("W", 183.84, 2.36), ("Re", 186.207, 1.9), ("Os", 190.23, 2.2),
    ("Ir", 192.217, 2.20), ("Pt", 195.084, 2.28), ("Au", 196.966569, 2.54), ("Hg", 200.59, 2.00),
    ("Tl", 204.3833, 1.62), ("Pb", 207.2, 2.33), ("Bi", 208.98040, 2.02), ("Po", 209.0, 2.0),
    ("At", 210.0, 2.2), ("Rn", 222.0, nil), ("Fr", 223.0, 0.7), ("Ra", 226.0, 0.9),
    ("Ac", 227.0, 1.1), ("Th", 232.03806, 1.3), ("Pa", 231.03588, 1.5), ("U", 238.02891, 1.38),
    ("Np", 237.0, 1.36), ("Pu", 244.0, 1.28), ("Am", 243.0, 1.3), ("Cm", 247.0, 1.3),
    ("Bk", 247.0, 1.3), ("Cf", 251.0, 1.3), ("Es", 252.0, 1.3), ("Fm", 257.0, 1.3),
    ("Md", 258.0, 1.3), ("No", 259.0, 1.3), ("Lr", 262.0, nil),
  ]
}
