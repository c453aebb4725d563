import CrystalRLABI

/// A parameter a plugin component accepts, as its descriptor declares it.
public struct PluginParameter: Equatable, Sendable {
  /// Declared type of a parameter value.
  public enum Kind: String, Sendable { case number, integer, bool, string, unknown }

  public let name: String
  public let kind: Kind
  public let description: String
  /// Default as JSON text; nil when the parameter is required.
  public let defaultJSON: String?
}

/// What a plugin says about one of its components.
public struct PluginComponentInfo: Sendable {
  public let name: String
  public let description: String
  public let parameters: [PluginParameter]
  public let requiredMetrics: [String]
  /// Whether NaN outputs are meaningful (CRL_COMPONENT_OUTPUT_MAY_BE_NAN).
  public let outputMayBeNaN: Bool

  /// Checks a compute result: the plugin wrote `count` of `expected` rewards, and NaN only if
  /// the component allows it.
  func validate(_ rewards: [Double], count: Int, expected: Int) throws {
    guard count == expected else {
      throw PluginError.wrongCount(component: name, expected: expected, got: count)
    }
    if !outputMayBeNaN, let index = rewards.firstIndex(where: \.isNaN) {
      throw PluginError.nanOutput(component: name, index: index)
    }
  }
}

/// What a plugin says about itself.
public struct PluginInfo: Sendable {
  public let path: String
  public let name: String
  public let version: String
  public let description: String
  public let abiVersion: ABIVersion
  public let components: [PluginComponentInfo]
}

/// Reads the C descriptor tables, honoring each struct's struct_size.
enum DescriptorReader {
  static func string(_ pointer: UnsafePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
  }

  /// The `index`-th element of a descriptor array whose stride is its first element's
  /// struct_size (so arrays built against a newer, longer struct still read correctly).
  static func element<T>(_ base: UnsafePointer<T>, _ index: Int, minimumSize: Int) throws
    -> UnsafePointer<T>
  {
    let stride = Int(UnsafeRawPointer(base).load(as: UInt32.self))
    guard stride >= minimumSize else {
      throw DescriptorError("struct_size \(stride) is smaller than the 1.0 layout (\(minimumSize))")
    }
    return (UnsafeRawPointer(base) + index * stride).assumingMemoryBound(to: T.self)
  }

  static func parameters(_ desc: crl_component_desc) throws -> [PluginParameter] {
    guard desc.num_params > 0 else { return [] }
    guard let base = desc.params else { throw DescriptorError("num_params > 0 but params is NULL") }
    return try (0..<Int(desc.num_params)).map { index in
      let param = try element(base, index, minimumSize: MemoryLayout<crl_param_desc>.size).pointee
      let kinds: [Int32: PluginParameter.Kind] = [
        Int32(CRL_PARAM_NUMBER.rawValue): .number, Int32(CRL_PARAM_INTEGER.rawValue): .integer,
        Int32(CRL_PARAM_BOOL.rawValue): .bool, Int32(CRL_PARAM_STRING.rawValue): .string,
      ]
      guard param.name != nil else { throw DescriptorError("parameter \(index) has no name") }
      return PluginParameter(
        name: string(param.name), kind: kinds[param.type] ?? .unknown,
        description: string(param.description),
        defaultJSON: param.default_json.map { String(cString: $0) })
    }
  }

  static func metrics(_ list: UnsafePointer<UnsafePointer<CChar>?>?) -> [String] {
    guard let list else { return [] }
    var names: [String] = []
    var cursor = list
    while let name = cursor.pointee {
      names.append(String(cString: name))
      cursor += 1
    }
    return names
  }
}

/// A descriptor-level inconsistency; wrapped into PluginError.malformedDescriptor.
struct DescriptorError: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}
