import CProcessSpawn
import CrystalRLABI
import Glibc

/// A parameter a plugin component accepts, as its descriptor declares it.
public struct PluginParameter: Equatable, Sendable, Codable {
  /// Declared type of a parameter value.
  public enum Kind: String, Sendable, Codable {
    case number, integer, bool, string, object, unknown
  }

  public let name: String
  public let kind: Kind
  public let description: String
  /// Default as JSON text; nil when the parameter is required.
  public let defaultJSON: String?
}

/// What a plugin says about one of its components.
public struct PluginComponentInfo: Equatable, Sendable, Codable {
  public let name: String
  public let description: String
  public let parameters: [PluginParameter]
  public let requiredMetrics: [String]
  /// Whether NaN outputs are meaningful (CRL_COMPONENT_OUTPUT_MAY_BE_NAN). Infinities never are.
  public let outputMayBeNaN: Bool

  /// Checks a compute result: the plugin wrote `count` of `expected` rewards, no infinity, and
  /// NaN only if the component allows it.
  func validate(_ rewards: [Double], count: Int, expected: Int) throws {
    guard count == expected else {
      throw PluginError.wrongCount(component: name, expected: expected, got: count)
    }
    if let index = rewards.firstIndex(where: \.isInfinite) {
      throw PluginError.infiniteOutput(component: name, index: index, negative: rewards[index] < 0)
    }
    if !outputMayBeNaN, let index = rewards.firstIndex(where: \.isNaN) {
      throw PluginError.nanOutput(component: name, index: index)
    }
  }
}

/// What a plugin says about itself.
public struct PluginInfo: Equatable, Sendable, Codable {
  public let path: String
  public let name: String
  public let version: String
  public let description: String
  public let abiVersion: ABIVersion
  public let components: [PluginComponentInfo]

  /// Looks up a component by name; the error lists the components the plugin has.
  public func component(named name: String) throws -> PluginComponentInfo {
    guard let component = components.first(where: { $0.name == name }) else {
      throw PluginError.unknownComponent(path: path, name: name, available: components.map(\.name))
    }
    return component
  }
}

/// Reads the C descriptor tables a plugin's entry point returns. Nothing is trusted: every
/// struct_size and count is checked against fixed bounds before it is used, every struct and
/// string is copied out through `SafeMemory` (a pointer into unmapped memory is an error, not a
/// crash), and arrays are walked with the stride their first element declares.
enum DescriptorReader {
  /// Bounds no sane plugin comes near; anything beyond is treated as a corrupt descriptor.
  static let maximumStructSize = 4096
  static let maximumCount = 1024
  static let maximumStringLength = 4096

  /// The plugin's description and the address of each component descriptor, in order.
  static func read(_ descriptor: UnsafeRawPointer, path: String) throws
    -> (info: PluginInfo, components: [UnsafePointer<crl_component_desc>])
  {
    // The version fields sit at fixed offsets in every ABI major: check them first.
    guard let header = SafeMemory.load((UInt32, UInt32).self, at: descriptor) else {
      throw PluginError.malformedDescriptor(
        path: path, reason: "the entry point returned an unreadable address")
    }
    let version = ABIVersion(packed: header.1)
    guard version.isLoadable(by: .host) else {
      throw PluginError.incompatibleVersion(
        path: path, pluginVersion: version.description, hostVersion: ABIVersion.host.description)
    }
    do {
      let plugin = try load(crl_plugin_desc.self, at: descriptor, what: "crl_plugin_desc")
      let count = Int(plugin.num_components)
      guard count > 0, let base = plugin.components else {
        throw DescriptorError("the plugin declares no components")
      }
      guard count <= maximumCount else {
        throw DescriptorError("num_components is \(count) (at most \(maximumCount) are accepted)")
      }
      let addresses = try elements(base, count: count, what: "crl_component_desc")
      let components = try addresses.enumerated().map { index, address in
        try component(address.pointee, index: index)
      }
      let info = PluginInfo(
        path: path, name: try string(plugin.name, "crl_plugin_desc.name", required: true),
        version: try string(plugin.version, "crl_plugin_desc.version"),
        description: try string(plugin.description, "crl_plugin_desc.description"),
        abiVersion: version, components: components)
      return (info, addresses)
    } catch let error as DescriptorError {
      throw PluginError.malformedDescriptor(path: path, reason: error.reason)
    }
  }

  /// Copies a descriptor struct whose first field is its struct_size, after checking that
  /// size against the 1.0 layout and `maximumStructSize`.
  private static func load<T>(_ type: T.Type, at address: UnsafeRawPointer, what: String) throws
    -> T
  {
    _ = try structSize(at: address, what: what, minimum: MemoryLayout<T>.size)
    guard let value = SafeMemory.load(T.self, at: address) else {
      throw DescriptorError("\(what) at \(address) is not readable")
    }
    return value
  }

  private static func structSize(at address: UnsafeRawPointer, what: String, minimum: Int) throws
    -> Int
  {
    guard let size = SafeMemory.load(UInt32.self, at: address).map(Int.init) else {
      throw DescriptorError("\(what) at \(address) is not readable")
    }
    guard size >= minimum, size <= maximumStructSize else {
      throw DescriptorError(
        "\(what).struct_size is \(size) (valid: \(minimum) to \(maximumStructSize) bytes)")
    }
    return size
  }

  /// The addresses of `count` descriptors of an array walked with the stride its first element
  /// declares (so arrays built against a newer, longer struct still read correctly). Every
  /// element must declare the same struct_size and be readable in full.
  static func elements<T>(_ base: UnsafePointer<T>, count: Int, what: String) throws
    -> [UnsafePointer<T>]
  {
    let raw = UnsafeRawPointer(base)
    let stride = try structSize(at: raw, what: "\(what)[0]", minimum: MemoryLayout<T>.size)
    return try (0..<count).map { index in
      let element = raw + index * stride
      let size = try structSize(at: element, what: "\(what)[\(index)]", minimum: 0)
      guard size == stride else {
        throw DescriptorError(
          "\(what)[\(index)].struct_size is \(size) but \(what)[0]'s is \(stride)")
      }
      guard SafeMemory.isReadable(element, count: stride) else {
        throw DescriptorError("\(what)[\(index)] at \(element) is not readable")
      }
      return element.assumingMemoryBound(to: T.self)
    }
  }

  private static func component(_ desc: crl_component_desc, index: Int) throws
    -> PluginComponentInfo
  {
    let what = "component \(index)"
    let name = try string(desc.name, "\(what)'s name", required: true)
    guard desc.create != nil, desc.compute != nil, desc.destroy != nil else {
      throw DescriptorError("\(what) ('\(name)') lacks a create, compute or destroy function")
    }
    return PluginComponentInfo(
      name: name, description: try string(desc.description, "\(what)'s description"),
      parameters: try parameters(desc, component: name),
      requiredMetrics: try metrics(desc.required_metrics, component: name),
      outputMayBeNaN: desc.flags & UInt32(CRL_COMPONENT_OUTPUT_MAY_BE_NAN) != 0)
  }

  private static func parameters(_ desc: crl_component_desc, component: String) throws
    -> [PluginParameter]
  {
    let count = Int(desc.num_params)
    guard count > 0 else { return [] }
    guard count <= maximumCount else {
      throw DescriptorError("component '\(component)' declares \(count) parameters")
    }
    guard let base = desc.params else {
      throw DescriptorError("component '\(component)': num_params > 0 but params is NULL")
    }
    let kinds: [Int32: PluginParameter.Kind] = [
      Int32(CRL_PARAM_NUMBER.rawValue): .number, Int32(CRL_PARAM_INTEGER.rawValue): .integer,
      Int32(CRL_PARAM_BOOL.rawValue): .bool, Int32(CRL_PARAM_STRING.rawValue): .string,
      Int32(CRL_PARAM_OBJECT.rawValue): .object,
    ]
    return try elements(base, count: count, what: "'\(component)' crl_param_desc")
      .enumerated().map { index, address in
        let param = address.pointee
        let what = "component '\(component)' parameter \(index)"
        return PluginParameter(
          name: try string(param.name, "\(what)'s name", required: true),
          kind: kinds[param.type] ?? .unknown,
          description: try string(param.description, "\(what)'s description"),
          defaultJSON: param.default_json == nil
            ? nil : try string(param.default_json, "\(what)'s default_json"))
      }
  }

  private static func metrics(
    _ list: UnsafePointer<UnsafePointer<CChar>?>?, component: String
  ) throws -> [String] {
    guard let list else { return [] }
    var names: [String] = []
    while true {
      guard names.count <= maximumCount else {
        throw DescriptorError(
          "component '\(component)': required_metrics has no NULL within \(maximumCount) entries")
      }
      guard let entry = SafeMemory.load(UnsafePointer<CChar>?.self, at: list + names.count)
      else {
        throw DescriptorError("component '\(component)': required_metrics is not readable")
      }
      guard let entry else { return names }
      names.append(try string(entry, "component '\(component)' required metric \(names.count)"))
    }
  }

  /// A NUL-terminated UTF-8 string of at most `maximumStringLength` bytes; "" for NULL unless
  /// `required`.
  static func string(_ pointer: UnsafePointer<CChar>?, _ what: String, required: Bool = false)
    throws -> String
  {
    guard let pointer else {
      if required { throw DescriptorError("\(what) is NULL") }
      return ""
    }
    let bytes = SafeMemory.bytes(at: UnsafeRawPointer(pointer), upTo: maximumStringLength + 1)
    guard let end = bytes.firstIndex(of: 0) else {
      throw DescriptorError(
        bytes.count <= maximumStringLength
          ? "\(what) runs into unreadable memory without a terminating NUL"
          : "\(what) has no terminating NUL within \(maximumStringLength) bytes")
    }
    return String(decoding: bytes[..<end], as: UTF8.self)
  }
}

/// Reads this process's memory without trusting the address: `process_vm_readv` on our own
/// pid copies what is mapped and readable and reports a fault as a short read, not a crash.
enum SafeMemory {
  /// Up to `count` bytes from `address`, stopping at the first unreadable byte.
  static func bytes(at address: UnsafeRawPointer, upTo count: Int) -> [UInt8] {
    var result = [UInt8](repeating: 0, count: count)
    // Read page by page: a short read ends at the first page that is not mapped.
    var done = 0
    while done < count {
      let page = 4096 - (Int(bitPattern: address + done) & 4095)
      let chunk = min(page, count - done)
      let got = result.withUnsafeMutableBytes { buffer in
        copy(from: address + done, to: buffer.baseAddress! + done, count: chunk)
      }
      guard got == chunk else { break }
      done += chunk
    }
    return Array(result[..<done])
  }

  /// Whether all `count` bytes at `address` can be read.
  static func isReadable(_ address: UnsafeRawPointer, count: Int) -> Bool {
    bytes(at: address, upTo: count).count == count
  }

  /// A copy of the `T` at `address`, or nil when it is not entirely readable.
  static func load<T>(_ type: T.Type, at address: UnsafeRawPointer) -> T? {
    let storage = UnsafeMutableRawPointer.allocate(
      byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
    defer { storage.deallocate() }
    guard copy(from: address, to: storage, count: MemoryLayout<T>.size) == MemoryLayout<T>.size
    else { return nil }
    return storage.load(as: T.self)
  }

  private static func copy(
    from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int
  )
    -> Int
  {
    crl_copy_own_memory(target, source, UInt(count))
  }
}

/// A descriptor-level inconsistency; wrapped into PluginError.malformedDescriptor.
struct DescriptorError: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}
