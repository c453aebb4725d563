import SwiftPluginKit

/// How one parameter of a FunctionReward signature is filled on every call: the quantity its
/// name stands for, converted to the parameter's declared type.
struct ArgumentBinding {
  let quantity: Quantity
  let type: CType

  /// A value before conversion to the parameter's type.
  enum Value {
    case integer(Int)
    case real(Double)
    case pointer(UnsafeRawPointer?)
  }

  /// Binds every parameter of `signature` by its name (per-structure or `batch` names), with
  /// `params` as the constants `param.NAME`. Errors name the parameter and list what is valid;
  /// a batch function must take `double *out`; every entry of `params` must be used.
  static func bind(_ signature: FunctionSignature, batch: Bool, params: [String: Double]) throws
    -> [ArgumentBinding]
  {
    let names = batch ? Quantity.batchNames : Quantity.structureNames
    let bindings = try signature.parameters.map { parameter in
      let declared = "'\(parameter.type) \(parameter.name)'"
      if parameter.name.hasPrefix(Quantity.constantPrefix) {
        return try constant(parameter, declared: declared, params: params)
      }
      guard let name = names.first(where: { $0.name == parameter.name }) else {
        throw PluginFailure(
          "signature parameter \(declared): unknown name '\(parameter.name)'; valid for "
            + "\(batch ? "a batch function" : "a per-structure function"): "
            + names.map(\.summary).joined(separator: "; ")
            + "; \(Quantity.constantPrefix)NAME (int64, int32, double or float: "
            + "a constant from params)")
      }
      guard name.kind.fits(parameter.type) else {
        throw PluginFailure(
          "signature parameter \(declared): \(name.name) must be \(name.kind.accepted) "
            + "(\(name.meaning)); arrays are read-only, so input pointers are const")
      }
      return ArgumentBinding(quantity: name.quantity, type: parameter.type)
    }
    if batch && !bindings.contains(where: { $0.quantity == .output }) {
      throw PluginFailure("a batch function (batch: true) must take 'double *out'")
    }
    let used = Set(signature.parameters.map(\.name))
    let unused = params.keys.filter { !used.contains(Quantity.constantPrefix + $0) }.sorted()
    guard unused.isEmpty else {
      throw PluginFailure(
        "params \(unused.joined(separator: ", ")) not used by the signature (pass one as "
          + "'double \(Quantity.constantPrefix)\(unused[0])')")
    }
    return bindings
  }

  private static func constant(
    _ parameter: FunctionSignature.Parameter, declared: String, params: [String: Double]
  ) throws -> ArgumentBinding {
    let key = String(parameter.name.dropFirst(Quantity.constantPrefix.count))
    guard let value = params[key] else {
      let given = params.keys.sorted()
      throw PluginFailure(
        "signature parameter \(declared): params has no '\(key)'; params given: "
          + (given.isEmpty ? "none" : given.joined(separator: ", ")))
    }
    guard !parameter.type.isPointer else {
      throw PluginFailure("signature parameter \(declared): a constant is a scalar, not a pointer")
    }
    switch parameter.type.scalar {
    case .int32 where Int32(exactly: value) == nil, .int64 where Int64(exactly: value) == nil:
      throw PluginFailure(
        "signature parameter \(declared): params.\(key) is \(value), not an integer "
          + "that fits \(parameter.type)")
    default:
      return ArgumentBinding(quantity: .constant(value), type: parameter.type)
    }
  }

  /// Writes `value`, converted to this parameter's type, into `slot` (8 bytes, 8-aligned).
  func store(_ value: Value, into slot: UnsafeMutableRawPointer) throws {
    switch (value, type.scalar) {
    case (.pointer(let pointer), _): slot.storeBytes(of: pointer, as: UnsafeRawPointer?.self)
    case (.integer(let number), .int64): slot.storeBytes(of: Int64(number), as: Int64.self)
    case (.integer(let number), .int32):
      guard let narrow = Int32(exactly: number) else {
        throw PluginFailure("\(number) does not fit a parameter declared int32; declare int64")
      }
      slot.storeBytes(of: narrow, as: Int32.self)
    case (.integer(let number), _): slot.storeBytes(of: Double(number), as: Double.self)
    case (.real(let number), .float): slot.storeBytes(of: Float(number), as: Float.self)
    case (.real(let number), .int32): slot.storeBytes(of: Int32(number), as: Int32.self)
    case (.real(let number), .int64): slot.storeBytes(of: Int64(number), as: Int64.self)
    case (.real(let number), .double): slot.storeBytes(of: number, as: Double.self)
    }
  }
}
