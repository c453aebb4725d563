import CrystalCore

/// The element data of the SMACT composition rule, by atomic number (H through Lr): the
/// oxidation states of SMACT's default 2014 set (`oxidation_states.txt`, "smact14"), SMACT's
/// Pauling electronegativities (`element_data.txt`; nil where it has none) and whether SMACT
/// counts the element as a metal (`smact.metals`, for the alloy rule). SMACT's electronegativities
/// differ from `Element.electronegativity` (pymatgen's) for a few elements, so they are kept here.
enum SMACTElementData {
  /// One element's entry.
  struct Entry {
    let symbol: String
    let oxidationStates: [Int]
    let electronegativity: Double?
    let isMetal: Bool
  }

  /// The entry of `element`.
  static func entry(_ element: Element) -> Entry {
    let row = table[element.z - 1]
    return Entry(
      symbol: row.0, oxidationStates: row.1, electronegativity: row.2, isMetal: row.3)
  }

  private static let table: [(String, [Int], Double?, Bool)] = [
    ("H", [-1, 1], 2.2, false),
    ("He", [], nil, false),
    ("Li", [1], 0.98, true),
    ("Be", [1, 2], 1.57, true),
    ("B", [1, 2, 3], 2.04, false),
    ("C", [-4, -3, -2, -1, 1, 2, 3, 4], 2.55, false),
    ("N", [-3, -2, -1, 1, 2, 3, 4, 5], 3.04, false),
    ("O", [-2, -1, 1, 2], 3.44, false),
    ("F", [-1], 3.98, false),
    ("Ne", [], nil, false),
    ("Na", [-1, 1], 0.93, true),
    ("Mg", [1, 2], 1.31, true),
    ("Al", [1, 2, 3], 1.61, true),
    ("Si", [-4, -3, -2, -1, 1, 2, 3, 4], 1.9, false),
    ("P", [-3, -2, -1, 1, 2, 3, 4, 5], 2.19, false),
    ("S", [-2, -1, 1, 2, 3, 4, 5, 6], 2.58, false),
    ("Cl", [-1, 1, 2, 3, 4, 5, 6, 7], 3.16, false),
    ("Ar", [], nil, false),
    ("K", [-1, 1], 0.82, true),
    ("Ca", [1, 2], 1.0, true),
    ("Sc", [1, 2, 3], 1.36, true),
    ("Ti", [-1, 1, 2, 3, 4], 1.54, true),
    ("V", [-1, 1, 2, 3, 4, 5], 1.63, true),
    ("Cr", [-2, -1, 1, 2, 3, 4, 5, 6], 1.66, true),
    ("Mn", [-3, -2, -1, 1, 2, 3, 4, 5, 6, 7], 1.55, true),
    ("Fe", [-2, -1, 1, 2, 3, 4, 5, 6], 1.83, true),
    ("Co", [-1, 1, 2, 3, 4, 5], 1.88, true),
    ("Ni", [-1, 1, 2, 3, 4], 1.91, true),
    ("Cu", [1, 2, 3, 4], 1.9, true),
    ("Zn", [1, 2], 1.65, true),
    ("Ga", [1, 2, 3], 1.81, true),
    ("Ge", [-4, -3, -2, -1, 1, 2, 3, 4], 2.01, true),
    ("As", [-3, 1, 2, 3, 5], 2.18, false),
    ("Se", [-2, 1, 2, 4, 6], 2.55, false),
    ("Br", [-1, 1, 2, 3, 4, 5, 7], 2.96, false),
    ("Kr", [2], 3.0, false),
    ("Rb", [-1, 1], 0.82, true),
    ("Sr", [1, 2], 0.95, true),
    ("Y", [1, 2, 3], 1.22, true),
    ("Zr", [1, 2, 3, 4], 1.33, true),
    ("Nb", [-1, 1, 2, 3, 4, 5], 1.6, true),
    ("Mo", [-2, -1, 1, 2, 3, 4, 5, 6], 2.16, true),
    ("Tc", [-3, -1, 1, 2, 3, 4, 5, 6, 7], 2.1, true),
    ("Ru", [-2, 1, 2, 3, 4, 5, 6, 7, 8], 2.2, true),
    ("Rh", [-1, 1, 2, 3, 4, 5, 6], 2.28, true),
    ("Pd", [1, 2, 4, 6], 2.2, true),
    ("Ag", [1, 2, 3, 4], 1.93, true),
    ("Cd", [1, 2], 1.69, true),
    ("In", [1, 2, 3], 1.78, true),
    ("Sn", [-4, 2, 4], 1.96, true),
    ("Sb", [-3, 3, 5], 2.05, true),
    ("Te", [-2, 2, 4, 5, 6], 2.1, false),
    ("I", [-1, 1, 3, 4, 5, 7], 2.66, false),
    ("Xe", [1, 2, 4, 6, 8], 2.6, false),
    ("Cs", [-1, 1], 0.79, true),
    ("Ba", [2], 0.89, true),
    ("La", [2, 3], 1.1, true),
    ("Ce", [2, 3, 4], 1.12, true),
    ("Pr", [2, 3, 4], 1.13, true),
    ("Nd", [2, 3, 4], 1.14, true),
    ("Pm", [2, 3], nil, false),
    ("Sm", [2, 3], 1.17, true),
    ("Eu", [2, 3], 1.2, true),
    ("Gd", [1, 2, 3], 1.2, true),
    ("Tb", [1, 2, 3, 4], 1.2, true),
    ("Dy", [2, 3, 4], 1.22, true),
    ("Ho", [2, 3], 1.23, true),
    ("Er", [2, 3], 1.24, true),
    ("Tm", [2, 3], 1.25, true),
    ("Yb", [2, 3], 1.1, true),
    ("Lu", [3], 1.0, true),
    ("Hf", [2, 3, 4], 1.3, true),
    ("Ta", [-1, 2, 3, 4, 5], 1.5, true),
    ("W", [-2, -1, 1, 2, 3, 4, 5, 6], 1.7, true),
    ("Re", [-3, -1, 1, 2, 3, 4, 5, 6, 7], 1.9, true),
    ("Os", [-2, -1, 1, 2, 3, 4, 5, 6, 7, 8], 2.2, true),
    ("Ir", [-3, -1, 1, 2, 3, 4, 5, 6, 7, 8], 2.2, true),
    ("Pt", [-2, -1, 1, 2, 3, 4, 5, 6], 2.2, true),
    ("Au", [-1, 1, 2, 3, 5], 2.4, true),
    ("Hg", [1, 2, 4], 1.9, true),
    ("Tl", [-1, 1, 3], 1.8, true),
    ("Pb", [-4, 2, 4], 1.8, true),
    ("Bi", [-3, 1, 3, 5, 7], 1.9, true),
    ("Po", [-2, 2, 4, 5, 6], 2.0, true),
    ("At", [-1, 1, 3, 5, 7], 2.2, false),
    ("Rn", [2, 6], nil, false),
    ("Fr", [1], 0.7, true),
    ("Ra", [2], 0.9, true),
    ("Ac", [2, 3], 1.1, true),
    ("Th", [2, 3, 4], 1.3, true),
    ("Pa", [2, 3, 4, 5], 1.5, true),
    ("U", [2, 3, 4, 5, 6], 1.7, true),
    ("Np", [3, 4, 5, 6, 7], 1.3, true),
    ("Pu", [2, 3, 4, 5, 6, 7, 8], 1.3, true),
    ("Am", [2, 3, 4, 5, 6, 7], 1.3, true),
    ("Cm", [2, 3, 4, 6, 8], 1.3, true),
    ("Bk", [2, 3, 4], 1.3, true),
    ("Cf", [2, 3, 4], 1.3, true),
    ("Es", [2, 3, 4], 1.3, true),
    ("Fm", [2, 3], 1.3, true),
    ("Md", [2, 3], 1.3, true),
    ("No", [2, 3], 1.3, true),
    ("Lr", [3], nil, false),
  ]
}
