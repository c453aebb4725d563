import CrystalCore

/// A structure as the Python oracle prints it: lattice rows, atomic numbers, fractional
/// coordinates and an id.
public struct OracleStructure: Decodable {
  public let id: String
  public let lattice: [[Double]]
  public let numbers: [Int]
  public let frac: [[Double]]

  /// The same structure as a CrystalCore `Structure`.
  public func structure() throws -> Structure {
    let rows = lattice.map { Vector3($0[0], $0[1], $0[2]) }
    return try Structure(
      lattice: try Lattice(matrix: Matrix3(rows[0], rows[1], rows[2])),
      elements: numbers.map { Element(z: $0)! },
      fractional: frac.map { Vector3($0[0], $0[1], $0[2]) },
      id: id)
  }

  /// Python source of a function `dump(structure, id)` returning this JSON shape.
  public static let pythonDump = """
    def dump(s, id):
        return {"id": str(id), "lattice": s.lattice.matrix.tolist(),
                "numbers": [site.specie.Z for site in s], "frac": s.frac_coords.tolist()}
    """
}
