import CrystalCore
import Foundation

/// A checked `POST /v1/score` body: the structures to score, the caller's request id, and the
/// deadline it asks for. Every mistake is refused naming its field, before anything is scored.
///
/// ```swift
/// let request = try ScoreRequest(body: data, limits: ServiceLimits())
/// ```
public struct ScoreRequest: Sendable {
  public let structures: [Structure]
  public let requestID: String?
  /// Seconds the caller gives the batch (`timeout`), if it said.
  public let timeout: Double?

  static let keys = ["structures", "request_id", "timeout"]
  static let structureKeys = ["lattice", "species", "frac_coords", "cif", "id"]

  public init(body: Data, limits: ServiceLimits) throws(RequestRefusal) {
    let root = FieldPath()
    let decoded = try RequestBody.decode(body)
    requestID = decoded.requestID
    if let seconds = decoded.timeout, !(seconds > 0) {
      throw root.key("timeout").refusal("must be a positive number of seconds")
    }
    timeout = decoded.timeout
    let path = root.key("structures")
    guard let entries = decoded.structures else { throw path.refusal("is missing") }
    guard !entries.isEmpty else { throw path.refusal("is empty: send at least one structure") }
    guard entries.count <= limits.maxStructures else {
      throw RequestRefusal(
        .tooLarge,
        "the batch has \(entries.count) structures; the limit (max-structures) is "
          + "\(limits.maxStructures)", field: path.text, limit: "max-structures")
    }
    structures = try entries.indices.map { (index) throws(RequestRefusal) in
      try Self.structure(entries[index], at: path[index], maxAtoms: limits.maxAtoms)
    }
  }

  /// One structure: a CIF, or a lattice with species and fractional coordinates.
  static func structure(_ entry: RequestBody.Entry, at path: FieldPath, maxAtoms: Int)
    throws(RequestRefusal) -> Structure
  {
    var structure: Structure
    if let cif = entry.cif {
      if let other = ["lattice", "species", "frac_coords"].first(where: entry.keys.contains) {
        throw path.key(other).refusal("cannot be given with `cif`")
      }
      structure = try cifStructure(cif, at: path.key("cif"))
    } else {
      structure = try explicitStructure(entry, at: path)
    }
    guard structure.count <= maxAtoms else {
      throw RequestRefusal(
        .tooLarge,
        "\(path.text) has \(structure.count) atoms; the limit (max-atoms) is \(maxAtoms)",
        field: path.text, limit: "max-atoms")
    }
    if let id = entry.id { structure.id = id }
    return structure
  }

  private static func cifStructure(_ text: String, at path: FieldPath) throws(RequestRefusal)
    -> Structure
  {
    let parsed: [Structure]
    do {
      parsed = try CIF.parse(text, source: path.text)
    } catch {
      throw RequestRefusal(.badRequest, "\(error)", field: path.text)
    }
    guard parsed.count == 1 else {
      throw path.refusal("holds \(parsed.count) structures; send one CIF data block each")
    }
    return parsed[0]
  }

  private static func explicitStructure(_ entry: RequestBody.Entry, at path: FieldPath)
    throws(RequestRefusal) -> Structure
  {
    guard let rows = entry.lattice, let species = entry.species, let coordinates = entry.fracCoords
    else {
      let missing = ["lattice", "species", "frac_coords"].first { !entry.keys.contains($0) }
      throw path.key(missing ?? "lattice").refusal("is missing (or give `cif`)")
    }
    let lattice = path.key("lattice")
    guard rows.count == 3 else {
      throw lattice.refusal("must have 3 rows (the vectors a, b, c), not \(rows.count)")
    }
    let matrix: Lattice
    do {
      matrix = try Lattice(matrix: Matrix3(rows: try vectors(rows, at: lattice)))
    } catch let refusal as RequestRefusal {
      throw refusal
    } catch {
      throw RequestRefusal(.badRequest, "\(lattice.text): \(error)", field: lattice.text)
    }
    let speciesPath = path.key("species")
    guard !species.isEmpty else { throw speciesPath.refusal("is empty: a structure needs atoms") }
    let elements = try species.indices.map { (index) throws(RequestRefusal) in
      try element(species[index], at: speciesPath[index])
    }
    let fractional = try vectors(coordinates, at: path.key("frac_coords"))
    guard fractional.count == elements.count else {
      throw path.key("frac_coords").refusal(
        "has \(fractional.count) rows for \(elements.count) species; give one per atom")
    }
    do {
      return try Structure(lattice: matrix, elements: elements, fractional: fractional)
    } catch {
      throw RequestRefusal(.badRequest, "\(path.text): \(error)", field: path.text)
    }
  }

  /// An element by symbol ("Ca") or atomic number (20).
  private static func element(_ value: RequestBody.Species, at path: FieldPath)
    throws(RequestRefusal) -> Element
  {
    switch value {
    case .symbol(let symbol):
      if let element = Element(symbol: symbol) { return element }
      throw path.refusal("is '\(symbol)', not an element symbol (H ... Lr)")
    case .number(let number):
      if let z = Int(exactly: number), let element = Element(z: z) { return element }
      throw path.refusal("is \(number), not an atomic number (1 ... 103)")
    }
  }

  /// Rows of 3 finite numbers.
  private static func vectors(_ rows: [[Double]], at path: FieldPath) throws(RequestRefusal)
    -> [Vector3]
  {
    try rows.indices.map { (row) throws(RequestRefusal) in
      guard rows[row].count == 3 else { throw path[row].refusal("must be an array of 3 numbers") }
      for column in 0..<3 where !rows[row][column].isFinite {
        throw path[row][column].refusal("is not a finite number")
      }
      return Vector3(rows[row][0], rows[row][1], rows[row][2])
    }
  }
}
