import Foundation

/// A `POST /v1/score` body as JSON carries it, decoded by Foundation's `JSONDecoder` into typed
/// fields (fast: no value is decoded twice), before `ScoreRequest` checks what it means. A
/// decoding error becomes a refusal naming the field: `structures[3].frac_coords[1][0] must be
/// a number`.
struct RequestBody: Decodable {
  /// One structure: a CIF, or a lattice with species and fractional coordinates.
  struct Entry: Decodable {
    let keys: Set<String>
    let id: String?
    let cif: String?
    let lattice: [[Double]]?
    let species: [Species]?
    let fracCoords: [[Double]]?

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: Key.self)
      keys = try Key.check(container, allowed: ScoreRequest.structureKeys, at: decoder.codingPath)
      id = try container.decodeIfPresent(Identifier.self, forKey: "id")?.text
      cif = try container.decodeIfPresent(String.self, forKey: "cif")
      lattice = try container.decodeIfPresent([[Number]].self, forKey: "lattice")?.values
      species = try container.decodeIfPresent([Species].self, forKey: "species")
      fracCoords = try container.decodeIfPresent([[Number]].self, forKey: "frac_coords")?.values
    }
  }

  /// A number of a lattice or coordinate row. Decoded one by one, so that a number JSON can
  /// write but a Double cannot hold (1e400) is refused naming its place.
  struct Number: Decodable {
    let value: Double

    init(from decoder: any Decoder) throws {
      do {
        value = try decoder.singleValueContainer().decode(Double.self)
      } catch let error as DecodingError {
        switch error {
        case .typeMismatch, .valueNotFound: throw error
        default: throw FieldPath(decoder.codingPath).refusal("is not a finite number")
        }
      } catch {
        throw FieldPath(decoder.codingPath).refusal("is not a finite number")
      }
    }
  }

  /// An element as given: a symbol or an atomic number.
  enum Species: Decodable {
    case symbol(String)
    case number(Double)

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let symbol = try? container.decode(String.self) {
        self = .symbol(symbol)
      } else if let number = try? container.decode(Double.self) {
        self = .number(number)
      } else {
        throw FieldPath(decoder.codingPath).refusal("must be an element symbol or atomic number")
      }
    }
  }

  /// A structure's `id`: a string, or a whole number written as one.
  struct Identifier: Decodable {
    let text: String

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let text = try? container.decode(String.self) {
        self.text = text
      } else if let number = try? container.decode(Double.self), let whole = Int(exactly: number) {
        text = String(whole)
      } else {
        throw FieldPath(decoder.codingPath).refusal("must be a string")
      }
    }
  }

  /// A member name of a JSON object.
  struct Key: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }

    /// The keys of `container`, refusing one outside `allowed`.
    static func check(
      _ container: KeyedDecodingContainer<Key>, allowed: [String], at path: [any CodingKey]
    ) throws -> Set<String> {
      let keys = Set(container.allKeys.map(\.stringValue))
      if let unknown = keys.sorted().first(where: { !allowed.contains($0) }) {
        throw FieldPath(path).key(unknown).refusal(
          "is not a known key; valid: " + allowed.joined(separator: ", "))
      }
      return keys
    }
  }

  let structures: [Entry]?
  let requestID: String?
  let timeout: Double?

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    _ = try Key.check(container, allowed: ScoreRequest.keys, at: [])
    structures = try container.decodeIfPresent([Entry].self, forKey: "structures")
    requestID = try container.decodeIfPresent(String.self, forKey: "request_id")
    timeout = try container.decodeIfPresent(Double.self, forKey: "timeout")
  }

  /// Decodes `body`; every mistake is refused naming where it is.
  static func decode(_ body: Data) throws(RequestRefusal) -> RequestBody {
    do {
      return try JSONDecoder().decode(RequestBody.self, from: body)
    } catch let refusal as RequestRefusal {
      throw refusal
    } catch let error as DecodingError {
      throw refusal(error)
    } catch {
      throw RequestRefusal(.badRequest, "the body is not valid JSON: \(error)")
    }
  }

  /// The refusal of a decoding error, naming the field at fault.
  private static func refusal(_ error: DecodingError) -> RequestRefusal {
    switch error {
    case .typeMismatch(let type, let context) where context.codingPath.isEmpty:
      return RequestRefusal(
        .badRequest, "the body must be a JSON object with `structures`, not \(kind(type))")
    case .typeMismatch(let type, let context):
      return FieldPath(context.codingPath).refusal("must be \(kind(type))")
    case .valueNotFound(let type, let context):
      return FieldPath(context.codingPath).refusal("must be \(kind(type)), not null")
    case .dataCorrupted(let context) where context.codingPath.isEmpty:
      let reason = context.underlyingError.map { ": \($0)" } ?? ""
      return RequestRefusal(.badRequest, "the body is not valid JSON\(reason)")
    case .dataCorrupted(let context):
      // A number JSON can write but a Double cannot hold (1e400).
      return FieldPath(context.codingPath).refusal("is not a finite number")
    case .keyNotFound(let key, let context):
      return FieldPath(context.codingPath).key(key.stringValue).refusal("is missing")
    @unknown default:
      return RequestRefusal(.badRequest, "the body is not valid: \(error)")
    }
  }

  /// What a value of `type` is called in refusals.
  private static func kind(_ type: Any.Type) -> String {
    switch type {
    case is Double.Type: return "a number"
    case is String.Type: return "a string"
    case is [Any].Type, is [[Double]].Type, is [Double].Type: return "an array"
    default: return "\(type)".hasPrefix("Array") ? "an array" : "an object"
    }
  }
}

extension [[RequestBody.Number]] {
  /// The numbers, row by row.
  var values: [[Double]] { map { $0.map(\.value) } }
}
