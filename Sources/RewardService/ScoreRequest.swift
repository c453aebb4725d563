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
    guard case .object(let object) = try JSONValue.parse(body) else {
      throw RequestRefusal(.badRequest, "the body must be a JSON object with `structures`")
    }
    try Self.checkKeys(object, allowed: Self.keys, at: root)
    switch object["request_id"] {
    case nil, .null?: requestID = nil
    case .string(let id)?: requestID = id
    case let other?: throw root.key("request_id").refusal("must be a string, not \(other.kind)")
    }
    switch object["timeout"] {
    case nil, .null?: timeout = nil
    case .number(let seconds)? where seconds > 0: timeout = seconds
    case _?: throw root.key("timeout").refusal("must be a positive number of seconds")
    }
    let path = root.key("structures")
    guard case .array(let entries)? = object["structures"] else {
      throw path.refusal(object["structures"] == nil ? "is missing" : "must be an array")
    }
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

  /// Refuses a key of `object` outside `allowed`.
  static func checkKeys(_ object: [String: JSONValue], allowed: [String], at path: FieldPath)
    throws(RequestRefusal)
  {
    if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
      throw path.key(unknown).refusal(
        "is not a known key; valid: " + allowed.joined(separator: ", "))
    }
  }

  /// One structure: a CIF, or a lattice with species and fractional coordinates.
  static func structure(_ value: JSONValue, at path: FieldPath, maxAtoms: Int)
    throws(RequestRefusal) -> Structure
  {
    guard case .object(let object) = value else {
      throw path.refusal("must be an object, not \(value.kind)")
    }
    try checkKeys(object, allowed: structureKeys, at: path)
    let id: String?
    switch object["id"] {
    case nil, .null?: id = nil
    case .string(let text)?: id = text
    case .number(let number)? where Int(exactly: number) != nil: id = String(Int(number))
    case let other?: throw path.key("id").refusal("must be a string, not \(other.kind)")
    }
    let structure: Structure
    if let cif = object["cif"] {
      if let other = ["lattice", "species", "frac_coords"].first(where: { object[$0] != nil }) {
        throw path.key(other).refusal("cannot be given with `cif`")
      }
      structure = try cifStructure(cif, at: path.key("cif"))
    } else {
      structure = try explicitStructure(object, at: path)
    }
    guard structure.count <= maxAtoms else {
      throw RequestRefusal(
        .tooLarge,
        "\(path.text) has \(structure.count) atoms; the limit (max-atoms) is \(maxAtoms)",
        field: path.text, limit: "max-atoms")
    }
    var identified = structure
    if let id { identified.id = id }
    return identified
  }

  private static func cifStructure(_ value: JSONValue, at path: FieldPath) throws(RequestRefusal)
    -> Structure
  {
    guard case .string(let text) = value else {
      throw path.refusal("must be a string of CIF text, not \(value.kind)")
    }
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

  private static func explicitStructure(_ object: [String: JSONValue], at path: FieldPath)
    throws(RequestRefusal) -> Structure
  {
    for key in ["lattice", "species", "frac_coords"] where object[key] == nil {
      throw path.key(key).refusal("is missing (or give `cif`)")
    }
    let rows = try vectors(object["lattice"]!, at: path.key("lattice"))
    guard rows.count == 3 else {
      throw path.key("lattice").refusal("must have 3 rows (the vectors a, b, c), not \(rows.count)")
    }
    let lattice: Lattice
    do {
      lattice = try Lattice(matrix: Matrix3(rows: rows))
    } catch {
      throw RequestRefusal(
        .badRequest, "\(path.key("lattice").text): \(error)", field: path.key("lattice").text)
    }
    let speciesPath = path.key("species")
    guard case .array(let species) = object["species"]! else {
      throw speciesPath.refusal("must be an array of element symbols or atomic numbers")
    }
    guard !species.isEmpty else { throw speciesPath.refusal("is empty: a structure needs atoms") }
    let elements = try species.indices.map { (index) throws(RequestRefusal) in
      try element(species[index], at: speciesPath[index])
    }
    let coordinates = try vectors(object["frac_coords"]!, at: path.key("frac_coords"))
    guard coordinates.count == elements.count else {
      throw path.key("frac_coords").refusal(
        "has \(coordinates.count) rows for \(elements.count) species; give one per atom")
    }
    do {
      return try Structure(lattice: lattice, elements: elements, fractional: coordinates)
    } catch {
      throw RequestRefusal(.badRequest, "\(path.text): \(error)", field: path.text)
    }
  }

  /// An element by symbol ("Ca") or atomic number (20).
  private static func element(_ value: JSONValue, at path: FieldPath) throws(RequestRefusal)
    -> Element
  {
    switch value {
    case .string(let symbol):
      if let element = Element(symbol: symbol) { return element }
      throw path.refusal("is '\(symbol)', not an element symbol (H ... Lr)")
    case .number(let number):
      if number == number.rounded(), abs(number) < 1000, let element = Element(z: Int(number)) {
        return element
      }
      throw path.refusal("is \(number), not an atomic number (1 ... 103)")
    default:
      throw path.refusal("must be an element symbol or atomic number, not \(value.kind)")
    }
  }

  /// An array of 3-vectors of finite numbers.
  private static func vectors(_ value: JSONValue, at path: FieldPath) throws(RequestRefusal)
    -> [Vector3]
  {
    guard case .array(let rows) = value else {
      throw path.refusal("must be an array of [x, y, z] rows, not \(value.kind)")
    }
    return try rows.indices.map { (row) throws(RequestRefusal) in
      guard case .array(let numbers) = rows[row], numbers.count == 3 else {
        throw path[row].refusal("must be an array of 3 numbers")
      }
      var xyz: [Double] = []
      for column in 0..<3 {
        guard case .number(let number) = numbers[column] else {
          throw path[row][column].refusal("must be a number, not \(numbers[column].kind)")
        }
        guard number.isFinite else { throw path[row][column].refusal("is not a finite number") }
        xyz.append(number)
      }
      return Vector3(xyz[0], xyz[1], xyz[2])
    }
  }
}
