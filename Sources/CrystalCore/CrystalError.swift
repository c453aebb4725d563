/// Errors raised while building or reading crystal structures. Every message names what was
/// wrong and, when reading files, where.
public enum CrystalError: Error, CustomStringConvertible, Equatable {
  /// A lattice that is degenerate, non-finite or geometrically impossible.
  case invalidLattice(String)
  /// A structure whose sites are inconsistent (NaN coordinates, no atoms, ...).
  case invalidStructure(String)
  /// An element symbol or atomic number that is not H...Lr.
  case unknownElement(String)
  /// A malformed or unsupported file; `location` names file and record.
  case parse(location: String, message: String)

  public var description: String {
    switch self {
    case .invalidLattice(let message): return "invalid lattice: \(message)"
    case .invalidStructure(let message): return "invalid structure: \(message)"
    case .unknownElement(let what): return "unknown element '\(what)' (expected H ... Lr)"
    case .parse(let location, let message): return "\(location): \(message)"
    }
  }
}
