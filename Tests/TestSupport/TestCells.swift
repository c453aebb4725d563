import CrystalCore

/// Small hand-built cubic cells (sodium chloride and friends) for tests that need a structure
/// but not a real one.
public enum TestCells {
  /// Atoms `symbols` in a cubic cell of edge `edge` Å, at `fractional` positions; by default
  /// atom i of n sits at (i/n, 0, 0).
  public static func cubic(
    _ symbols: [String], edge: Double = 4, at fractional: [Vector3]? = nil, id: String = ""
  ) throws -> Structure {
    let elements = try symbols.map { symbol -> Element in
      guard let element = Element(symbol: symbol) else {
        throw CrystalError.unknownElement(symbol)
      }
      return element
    }
    return try Structure(
      lattice: try Lattice.cubic(edge), elements: elements,
      fractional: fractional
        ?? symbols.indices.map { Vector3(Double($0) / Double(symbols.count), 0, 0) },
      id: id)
  }

  /// Conventional rock-salt NaCl: four Na and four Cl in a 5.64 Å cube.
  public static func rockSalt() throws -> Structure {
    try cubic(
      ["Na", "Na", "Na", "Na", "Cl", "Cl", "Cl", "Cl"], edge: 5.64,
      at: [
        Vector3(0, 0, 0), Vector3(0.5, 0.5, 0), Vector3(0.5, 0, 0.5), Vector3(0, 0.5, 0.5),
        Vector3(0.5, 0, 0), Vector3(0, 0.5, 0), Vector3(0, 0, 0.5), Vector3(0.5, 0.5, 0.5),
      ])
  }
}
