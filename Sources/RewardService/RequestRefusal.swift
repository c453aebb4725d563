import Foundation

/// Why a request is refused: its HTTP status, a message, and what is at fault: the field (a
/// path such as `structures[3].frac_coords[1][0]`), the limit broken, or the component that
/// failed. `body` is the JSON error body every refusal is answered with.
public struct RequestRefusal: Error, Sendable, Equatable {
  /// The HTTP status of a refusal.
  public enum Status: Int, Sendable {
    case badRequest = 400
    case unauthorized = 401
    case tooLarge = 413
    case componentFailed = 500
    case overloaded = 503
    case deadlineExpired = 504
  }

  public let status: Status
  public let message: String
  public let field: String?
  public let limit: String?
  public let component: String?

  public init(
    _ status: Status, _ message: String, field: String? = nil, limit: String? = nil,
    component: String? = nil
  ) {
    self.status = status
    self.message = message
    self.field = field
    self.limit = limit
    self.component = component
  }

  /// `{"error": ..., "field": ...}`, with `limit` or `component` when they apply.
  public var body: Data {
    struct Body: Encodable {
      let error: String
      let field: String?
      let limit: String?
      let component: String?

      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(error, forKey: .error)
        try container.encode(field, forKey: .field)  // null when no field is at fault
        try container.encodeIfPresent(limit, forKey: .limit)
        try container.encodeIfPresent(component, forKey: .component)
      }

      enum CodingKeys: String, CodingKey { case error, field, limit, component }
    }
    return JSONCoding.encode(Body(error: message, field: field, limit: limit, component: component))
  }
}

/// The path of a field in a request as refusals name it: `structures[3].frac_coords[1][0]`.
struct FieldPath: Sendable {
  let text: String

  init(_ text: String = "") { self.text = text }

  /// The path of a decoding error's coding path.
  init(_ codingPath: [any CodingKey]) {
    self = codingPath.reduce(FieldPath()) { path, key in
      key.intValue.map { path[$0] } ?? path.key(key.stringValue)
    }
  }

  /// The member `name` of the object here.
  func key(_ name: String) -> FieldPath { FieldPath(text.isEmpty ? name : "\(text).\(name)") }

  /// Element `index` of the array here.
  subscript(index: Int) -> FieldPath { FieldPath("\(text)[\(index)]") }

  /// A 400 refusal naming this field.
  func refusal(_ message: String) -> RequestRefusal {
    RequestRefusal(.badRequest, "\(text) \(message)", field: text)
  }
}

/// The one JSON encoder of replies: sorted keys, so that equal replies are equal bytes.
enum JSONCoding {
  static func encode(_ value: some Encodable) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // The reply types hold only strings, finite numbers and nulls: encoding cannot fail.
    return try! encoder.encode(value)
  }
}
