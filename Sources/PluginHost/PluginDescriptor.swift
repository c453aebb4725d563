import CProcessSpawn
import CrystalRLABI
import Glibc

/// A parameter a plugin component or metric provider accepts, as its descriptor declares it.
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

/// What a plugin says about one of its reward components.
public struct PluginComponentInfo: PluginComputationInfo, Equatable, Sendable, Codable {
  public let name: String
  public let description: String
  public let parameters: [PluginParameter]
  public let requiredMetrics: [String]
  /// Whether NaN outputs are meaningful (CRL_COMPONENT_OUTPUT_MAY_BE_NAN). Infinities never are.
  public let outputMayBeNaN: Bool
  /// Whether the component takes its required metrics from the host key `required_metrics` of
  /// its config entry instead of from its descriptor (CRL_COMPONENT_METRICS_FROM_CONFIG).
  public let metricsFromConfig: Bool

  public var subject: PluginSubject { .component(name) }
  public var width: Int { 1 }

  /// The metrics an instance receives, in order: `configured` (the `required_metrics` of its
  /// config entry; none when nil) for a component with CRL_COMPONENT_METRICS_FROM_CONFIG, the
  /// descriptor's otherwise. Configured metrics for a component without the flag are an error.
  public func requiredMetrics(configured: [String]?) throws -> [String] {
    if metricsFromConfig { return configured ?? [] }
    guard configured == nil else {
      throw PluginError.createFailed(
        subject: subject, message: Self.fixedMetricsMessage(requiredMetrics))
    }
    return requiredMetrics
  }

  /// Why a component without CRL_COMPONENT_METRICS_FROM_CONFIG takes no `required_metrics`.
  public static func fixedMetricsMessage(_ declared: [String]) -> String {
    "required_metrics is only for components that take their metrics from the config "
      + "(CRL_COMPONENT_METRICS_FROM_CONFIG, e.g. PythonReward's python); this one declares "
      + "its own: \(declared.isEmpty ? "none" : declared.joined(separator: ", "))"
  }
}

/// What a plugin says about one of its metric providers (ABI 1.1).
public struct PluginProviderInfo: PluginComputationInfo, Equatable, Sendable, Codable {
  /// The metric's name, as components require it.
  public let name: String
  public let description: String
  /// Values per structure: 1 for a scalar, d for a feature vector.
  public let width: Int
  public let parameters: [PluginParameter]
  public let requiredMetrics: [String]
  /// Whether NaN ("not available") is a valid value (CRL_PROVIDER_OUTPUT_MAY_BE_NAN).
  public let outputMayBeNaN: Bool

  public var subject: PluginSubject { .provider(name) }
}

/// What a plugin says about itself.
public struct PluginInfo: Equatable, Sendable, Codable {
  public let path: String
  public let name: String
  public let version: String
  public let description: String
  public let abiVersion: ABIVersion
  public let components: [PluginComponentInfo]
  /// Metric providers (ABI 1.1; none in a 1.0 plugin).
  public let providers: [PluginProviderInfo]

  /// Looks up a component by name; the error lists the components the plugin has.
  public func component(named name: String) throws -> PluginComponentInfo {
    guard let component = components.first(where: { $0.name == name }) else {
      throw PluginError.unknownComponent(path: path, name: name, available: components.map(\.name))
    }
    return component
  }

  /// Looks up a metric provider by name; the error lists the providers the plugin has.
  public func provider(named name: String) throws -> PluginProviderInfo {
    guard let provider = providers.first(where: { $0.name == name }) else {
      throw PluginError.unknownProvider(path: path, name: name, available: providers.map(\.name))
    }
    return provider
  }
}

/// The functions behind one component or provider descriptor, checked to be non-NULL.
struct PluginEntryPoints {
  let create: crl_create_fn
  let compute: crl_compute_fn
  let destroy: crl_destroy_fn
}

/// Reads the C descriptor tables a plugin's entry point returns. Nothing is trusted: every
/// struct_size and count is checked against fixed bounds before it is used, every struct and
/// string is copied out through `SafeMemory` (a pointer into unmapped memory is an error, not a
/// crash), and arrays are walked with the stride their first element declares. Fields a struct
/// gained after the version the plugin declares are never read.
enum DescriptorReader {
  /// Bounds no sane plugin comes near; anything beyond is treated as a corrupt descriptor.
  static let maximumStructSize = 4096
  static let maximumCount = 1024
  static let maximumStringLength = 4096
  static let maximumWidth = 1 << 20

  /// What a descriptor table holds: the description and each entry's functions, in order.
  struct Contents {
    let info: PluginInfo
    let components: [PluginEntryPoints]
    let providers: [PluginEntryPoints]
  }

  /// Size of crl_plugin_desc in ABI 1.0, before the provider fields were appended.
  static let pluginDescriptorSize10 = MemoryLayout<crl_plugin_desc>.offset(of: \.num_providers)!

  /// Reads the plugin's description, for a host speaking `hostVersion`.
  static func read(_ descriptor: UnsafeRawPointer, path: String, hostVersion: ABIVersion) throws
    -> Contents
  {
    // The version fields sit at fixed offsets in every ABI major: check them first.
    guard let header = SafeMemory.load((UInt32, UInt32).self, at: descriptor) else {
      throw PluginError.malformedDescriptor(
        path: path, reason: "the entry point returned an unreadable address")
    }
    let version = ABIVersion(packed: header.1)
    guard version.isLoadable(by: hostVersion) else {
      throw PluginError.incompatibleVersion(
        path: path, pluginVersion: version.description, hostVersion: hostVersion.description)
    }
    do {
      let plugin = try loadPrefix(
        crl_plugin_desc.self, at: descriptor, what: "crl_plugin_desc",
        minimum: pluginDescriptorSize10,
        readable: version.minor >= 1 ? MemoryLayout<crl_plugin_desc>.size : pluginDescriptorSize10)
      let components = try array(
        plugin.components, count: plugin.num_components, countField: "num_components",
        what: "crl_component_desc",
        read: component)
      let providers = try array(
        plugin.providers, count: plugin.num_providers, countField: "num_providers",
        what: "crl_provider_desc", read: provider)
      guard !components.isEmpty || !providers.isEmpty else {
        throw DescriptorError(
          version.minor >= 1
            ? "the plugin declares no components and no providers"
            : "the plugin declares no components")
      }
      for (kind, names) in [
        ("component", components.map(\.info.name)), ("provider", providers.map(\.info.name)),
      ] {
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
          throw DescriptorError("two \(kind)s are called '\(twice)'")
        }
      }
      let info = PluginInfo(
        path: path, name: try string(plugin.name, "crl_plugin_desc.name", required: true),
        version: try string(plugin.version, "crl_plugin_desc.version"),
        description: try string(plugin.description, "crl_plugin_desc.description"),
        abiVersion: version, components: components.map(\.info),
        providers: providers.map(\.info))
      return Contents(
        info: info, components: components.map(\.entry), providers: providers.map(\.entry))
    } catch let error as DescriptorError {
      throw PluginError.malformedDescriptor(path: path, reason: error.reason)
    }
  }

  /// Copies the first `readable` bytes (at most what the struct_size declares) of a struct whose
  /// first field is its struct_size into a zeroed `T`, after checking that size against
  /// `minimum` and `maximumStructSize`. Fields past the copied prefix read as zero.
  private static func loadPrefix<T>(
    _ type: T.Type, at address: UnsafeRawPointer, what: String, minimum: Int, readable: Int
  ) throws -> T {
    let size = try structSize(at: address, what: what, minimum: minimum)
    guard let value = SafeMemory.load(T.self, at: address, bytes: min(size, readable)) else {
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

  /// Reads the `count` descriptors (the field `countField`) of the array at `base` with `read`;
  /// none when `count` is 0.
  private static func array<T, R>(
    _ base: UnsafePointer<T>?, count: UInt32, countField: String, what: String,
    read: (T, Int) throws -> R
  ) throws -> [R] {
    let count = Int(count)
    guard count > 0 else { return [] }
    guard count <= maximumCount else {
      throw DescriptorError("\(countField) is \(count) (at most \(maximumCount) are accepted)")
    }
    guard let base else {
      throw DescriptorError("\(countField) is \(count) but the array of \(what) is NULL")
    }
    return try elements(base, count: count, what: what).enumerated().map { index, address in
      try read(address.pointee, index)
    }
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
    -> (info: PluginComponentInfo, entry: PluginEntryPoints)
  {
    let name = try string(desc.name, "component \(index)'s name", required: true)
    let subject = PluginSubject.component(name)
    let info = PluginComponentInfo(
      name: name, description: try string(desc.description, "\(subject)'s description"),
      parameters: try parameters(desc.params, count: desc.num_params, of: subject),
      requiredMetrics: try metrics(desc.required_metrics, of: subject),
      outputMayBeNaN: desc.flags & UInt32(CRL_COMPONENT_OUTPUT_MAY_BE_NAN) != 0,
      metricsFromConfig: desc.flags & UInt32(CRL_COMPONENT_METRICS_FROM_CONFIG) != 0)
    return (info, try entryPoints(desc.create, desc.compute, desc.destroy, of: subject))
  }

  private static func provider(_ desc: crl_provider_desc, index: Int) throws
    -> (info: PluginProviderInfo, entry: PluginEntryPoints)
  {
    let name = try string(desc.name, "provider \(index)'s name", required: true)
    let subject = PluginSubject.provider(name)
    guard desc.width >= 1, desc.width <= maximumWidth else {
      throw DescriptorError(
        "\(subject) declares width \(desc.width) (valid: 1 to \(maximumWidth))")
    }
    let info = PluginProviderInfo(
      name: name, description: try string(desc.description, "\(subject)'s description"),
      width: Int(desc.width),
      parameters: try parameters(desc.params, count: desc.num_params, of: subject),
      requiredMetrics: try metrics(desc.required_metrics, of: subject),
      outputMayBeNaN: desc.flags & UInt32(CRL_PROVIDER_OUTPUT_MAY_BE_NAN) != 0)
    return (info, try entryPoints(desc.create, desc.compute, desc.destroy, of: subject))
  }

  private static func entryPoints(
    _ create: crl_create_fn?, _ compute: crl_compute_fn?, _ destroy: crl_destroy_fn?,
    of subject: PluginSubject
  ) throws -> PluginEntryPoints {
    guard let create, let compute, let destroy else {
      throw DescriptorError("\(subject) lacks a create, compute or destroy function")
    }
    return PluginEntryPoints(create: create, compute: compute, destroy: destroy)
  }

  private static func parameters(
    _ base: UnsafePointer<crl_param_desc>?, count: UInt32, of subject: PluginSubject
  ) throws -> [PluginParameter] {
    let kinds: [Int32: PluginParameter.Kind] = [
      Int32(CRL_PARAM_NUMBER.rawValue): .number, Int32(CRL_PARAM_INTEGER.rawValue): .integer,
      Int32(CRL_PARAM_BOOL.rawValue): .bool, Int32(CRL_PARAM_STRING.rawValue): .string,
      Int32(CRL_PARAM_OBJECT.rawValue): .object,
    ]
    return try array(
      base, count: count, countField: "\(subject)'s num_params", what: "crl_param_desc"
    ) { param, index in
      let what = "\(subject) parameter \(index)"
      return PluginParameter(
        name: try string(param.name, "\(what)'s name", required: true),
        kind: kinds[param.type] ?? .unknown,
        description: try string(param.description, "\(what)'s description"),
        defaultJSON: param.default_json == nil
          ? nil : try string(param.default_json, "\(what)'s default_json"))
    }
  }

  private static func metrics(
    _ list: UnsafePointer<UnsafePointer<CChar>?>?, of subject: PluginSubject
  ) throws -> [String] {
    guard let list else { return [] }
    var names: [String] = []
    while true {
      guard names.count <= maximumCount else {
        throw DescriptorError(
          "\(subject): required_metrics has no NULL within \(maximumCount) entries")
      }
      guard let entry = SafeMemory.load(UnsafePointer<CChar>?.self, at: list + names.count)
      else {
        throw DescriptorError("\(subject): required_metrics is not readable")
      }
      guard let entry else { return names }
      names.append(try string(entry, "\(subject) required metric \(names.count)"))
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

  /// A copy of the `T` at `address` whose first `bytes` bytes (all of it by default) come from
  /// there and the rest are zero, or nil when those bytes are not all readable.
  static func load<T>(_ type: T.Type, at address: UnsafeRawPointer, bytes: Int? = nil) -> T? {
    let size = MemoryLayout<T>.size
    let count = min(bytes ?? size, size)
    let storage = UnsafeMutableRawPointer.allocate(
      byteCount: size, alignment: MemoryLayout<T>.alignment)
    defer { storage.deallocate() }
    storage.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    guard copy(from: address, to: storage, count: count) == count else { return nil }
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
