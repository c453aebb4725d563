import Foundation

/// A JSON value of a request, decoded by Foundation's `JSONDecoder` without losing its kind (a
/// number stays a number, `true` a boolean), so that every field can be checked and named.
enum JSONValue: Decodable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let depth = decoder.codingPath.count
    /// Whether `error` says only that the value here is of another kind.
    func isOtherKind(_ error: DecodingError) -> Bool {
      if case .typeMismatch(_, let context) = error { return context.codingPath.count == depth }
      return false
    }
    if container.decodeNil() {
      self = .null
      return
    }
    if let bool = try? container.decode(Bool.self) {
      self = .bool(bool)
      return
    }
    do {
      self = .number(try container.decode(Double.self))
      return
    } catch let error as DecodingError where isOtherKind(error) {
    } catch {
      // A number JSON can write but a Double cannot hold (1e400).
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: decoder.codingPath,
          debugDescription: "\(FieldPath(decoder.codingPath).text) is not a finite number"))
    }
    if let string = try? container.decode(String.self) {
      self = .string(string)
      return
    }
    do {
      self = .array(try container.decode([JSONValue].self))
      return
    } catch let error as DecodingError where isOtherKind(error) {}
    self = .object(try container.decode([String: JSONValue].self))
  }

  /// What a value of this kind is called in errors.
  var kind: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  /// Parses a request body; a body that is not JSON is refused naming where it fails.
  static func parse(_ body: Data) throws(RequestRefusal) -> JSONValue {
    do {
      return try JSONDecoder().decode(JSONValue.self, from: body)
    } catch let error as DecodingError {
      switch error {
      case .dataCorrupted(let context) where !context.codingPath.isEmpty:
        throw RequestRefusal(
          .badRequest, context.debugDescription, field: FieldPath(context.codingPath).text)
      case .dataCorrupted(let context):
        let reason = context.underlyingError.map { ": \($0)" } ?? ""
        throw RequestRefusal(.badRequest, "the body is not valid JSON\(reason)")
      default:
        throw RequestRefusal(.badRequest, "the body is not valid JSON: \(error)")
      }
    } catch {
      throw RequestRefusal(.badRequest, "the body is not valid JSON: \(error)")
    }
  }
}
