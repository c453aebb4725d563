/// The built-in structure library: the classic prototypes decorated by element substitution
/// into a few thousand hypothetical structures, so every command runs without a dataset.
/// Every structure's id says it is hypothetical: "hypothetical:<prototype>:<formula>". They
/// are chemically plausible by construction (typical cation/anion pairs, bond lengths from
/// covalent radii), not relaxed or validated.
public enum PrototypeLibrary {
  /// Which elements fill which roles of each prototype.
  static let metals = [
    "Li", "Na", "K", "Be", "Mg", "Ca", "Sr", "Ba", "Al", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co",
    "Ni", "Cu", "Zn", "Y", "Zr", "Nb", "Mo", "Ru", "Rh", "Pd", "Ag", "Cd", "Hf", "Ta", "W",
    "Ir", "Pt", "Au", "Pb",
  ]
  static let tetrahedral = ["C", "Si", "Ge", "Sn"]
  static let cations = [
    "Li", "Na", "K", "Rb", "Mg", "Ca", "Sr", "Ba", "Zn", "Cd", "Mn", "Fe", "Co", "Ni", "Cu",
    "Ag", "Al", "Ga", "In", "Sc",
  ]
  static let anions = ["F", "Cl", "Br", "I", "O", "S", "Se", "Te", "N", "P", "As"]
  static let chalcogenHalides = ["F", "Cl", "O", "S", "Se"]
  static let perovskiteA = ["Na", "K", "Rb", "Cs", "Ca", "Sr", "Ba", "La", "Pb", "Y"]
  static let perovskiteB = [
    "Ti", "Zr", "Hf", "V", "Nb", "Ta", "Cr", "Mo", "W", "Mn", "Fe", "Co", "Ni", "Sn", "Ge", "Al",
  ]
  static let perovskiteX = ["O", "F", "Cl", "Br", "S"]
  static let heuslerA = ["Co", "Ni", "Cu", "Fe", "Mn", "Ru", "Rh", "Pd"]
  static let heuslerB = ["Ti", "V", "Cr", "Mn", "Fe", "Zr", "Hf", "Nb"]
  static let heuslerC = ["Al", "Ga", "In", "Si", "Ge", "Sn", "Sb", "As"]
  static let spinelA = ["Mg", "Zn", "Fe", "Co", "Ni", "Mn", "Cd", "Cu"]
  static let spinelB = ["Al", "Cr", "Fe", "Ga", "V", "Mn", "Co", "Ti", "In"]
  static let spinelX = ["O", "S", "Se"]

  /// Element lists for each prototype's roles.
  static func pools(for prototype: Prototype) -> [[String]] {
    switch prototype.name {
    case "fcc", "bcc", "hcp": return [metals]
    case "diamond": return [tetrahedral]
    case "fluorite", "antifluorite", "rutile", "cadmium-iodide": return [cations, chalcogenHalides]
    case "L1_2": return [metals, metals]
    case "perovskite": return [perovskiteA, perovskiteB, perovskiteX]
    case "heusler": return [heuslerA, heuslerB, heuslerC]
    case "spinel": return [spinelA, spinelB, spinelX]
    default: return [cations, anions]
    }
  }

  /// Every structure of the library, in a fixed order.
  public static func structures() -> [Structure] {
    PrototypeCatalog.all.flatMap { prototype in
      combinations(pools(for: prototype)).compactMap { symbols -> Structure? in
        let elements = symbols.compactMap { Element(symbol: $0) }
        guard Set(symbols).count == symbols.count || prototype.roles == 1 else { return nil }
        return prototype.decorate(elements)
      }
    }
  }

  /// The cartesian product of the pools, in order.
  private static func combinations(_ pools: [[String]]) -> [[String]] {
    pools.reduce([[]]) { partial, pool in partial.flatMap { prefix in pool.map { prefix + [$0] } } }
  }
}
