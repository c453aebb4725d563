// Helpers for reward plugins written in Swift: static C strings, error messages written into
// the host's buffer, and descriptor tables that live as long as the library (as
// crystalrl_plugin.h requires). A plugin links this module statically; it is not part of
// the host.
import CrystalRLABI

/// The signature of a component's create() (crystalrl_plugin.h).
public typealias CreateFunction =
  @convention(c) (
    UnsafePointer<crl_host_api>?, UnsafePointer<CChar>?,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<CChar>?, Int
  ) -> crl_status

/// The signature of a component's compute().
public typealias ComputeFunction =
  @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<crl_batch>?, UnsafeMutablePointer<crl_output>?,
    UnsafeMutablePointer<CChar>?, Int
  ) -> crl_status

/// The signature of a component's destroy().
public typealias DestroyFunction = @convention(c) (UnsafeMutableRawPointer?) -> Void

/// A NUL-terminated C string for a string literal; valid for the life of the library.
public func staticCString(_ text: StaticString) -> UnsafePointer<CChar> {
  UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Writes `message` into the host's error buffer of `size` bytes (truncated, NUL-terminated).
public func reportError(_ message: String, into buffer: UnsafeMutablePointer<CChar>?, size: Int) {
  guard let buffer, size > 0 else { return }
  let bytes = Array(message.utf8.prefix(size - 1))
  for (offset, byte) in bytes.enumerated() { buffer[offset] = CChar(bitPattern: byte) }
  buffer[bytes.count] = 0
}

/// Copies `items` into memory that is never freed: descriptor tables must stay valid until
/// the library is unloaded.
public func permanentTable<Item>(_ items: [Item]) -> UnsafePointer<Item> {
  let table = UnsafeMutablePointer<Item>.allocate(capacity: max(items.count, 1))
  table.initialize(from: items, count: items.count)
  return UnsafePointer(table)
}

/// A parameter descriptor; `default` is JSON text, nil for a required parameter.
public func parameterDescriptor(
  _ name: StaticString, _ type: crl_param_type, _ description: StaticString,
  default json: StaticString?
) -> crl_param_desc {
  crl_param_desc(
    struct_size: UInt32(MemoryLayout<crl_param_desc>.size), type: Int32(type.rawValue),
    name: staticCString(name), description: staticCString(description),
    default_json: json.map(staticCString))
}

/// A component descriptor; its parameter and metric tables live as long as the library.
public func componentDescriptor(
  name: StaticString, description: StaticString, parameters: [crl_param_desc] = [],
  requiredMetrics: [StaticString] = [], flags: UInt32 = 0, create: CreateFunction,
  compute: ComputeFunction, destroy: DestroyFunction
) -> crl_component_desc {
  crl_component_desc(
    struct_size: UInt32(MemoryLayout<crl_component_desc>.size), flags: flags,
    name: staticCString(name), description: staticCString(description),
    num_params: UInt32(parameters.count),
    params: parameters.isEmpty ? nil : permanentTable(parameters),
    required_metrics: requiredMetrics.isEmpty
      ? nil : permanentTable(requiredMetrics.map { Optional(staticCString($0)) } + [nil]),
    create: create, compute: compute, destroy: destroy)
}

/// An error a Swift plugin reports to the host as CRL_INVALID_ARGUMENT and a message.
public struct PluginFailure: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// The body of a compute(): checks the batch and output pointers and the output's capacity,
/// runs `rewards` on the batch, and writes its result, or the error it throws, for the host.
/// Nothing thrown crosses the ABI.
public func computeRewards(
  _ batch: UnsafePointer<crl_batch>?, _ output: UnsafeMutablePointer<crl_output>?,
  _ errorBuffer: UnsafeMutablePointer<CChar>?, _ errorSize: Int,
  _ rewards: (crl_batch) throws -> [Double]
) -> crl_status {
  guard let batch = batch?.pointee, let output, let buffer = output.pointee.rewards else {
    reportError("null batch or output", into: errorBuffer, size: errorSize)
    return CRL_INVALID_ARGUMENT
  }
  guard output.pointee.capacity >= batch.num_structures else {
    reportError(
      "output holds \(output.pointee.capacity) rewards for \(batch.num_structures) structures",
      into: errorBuffer, size: errorSize)
    return CRL_INVALID_ARGUMENT
  }
  do {
    let values = try rewards(batch)
    guard values.count <= Int(output.pointee.capacity) else {
      throw PluginFailure("computed \(values.count) rewards for \(batch.num_structures)")
    }
    for (index, value) in values.enumerated() { buffer[index] = value }
    output.pointee.count = UInt64(values.count)
    return CRL_OK
  } catch {
    reportError("\(error)", into: errorBuffer, size: errorSize)
    return CRL_INVALID_ARGUMENT
  }
}

/// A Swift component's instance: made from the component's configuration (a JSON object of
/// its parameters), it scores batches. `createInstance`, `computeInstance` and
/// `destroyInstance` are the bodies of the component's create(), compute() and destroy():
///
/// ```swift
/// private let create: CreateFunction = { _, json, instance, error, size in
///   createInstance(MyReward.self, json, instance, error, size)
/// }
/// ```
public protocol RewardInstance: AnyObject {
  init(configJSON: String) throws
  func rewards(_ batch: crl_batch) throws -> [Double]
}

/// The body of a create(): makes the instance from `configJSON` and hands it to the host
/// retained, or reports the error thrown.
public func createInstance<Instance: RewardInstance>(
  _ type: Instance.Type, _ configJSON: UnsafePointer<CChar>?,
  _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
  _ errorBuffer: UnsafeMutablePointer<CChar>?, _ errorSize: Int
) -> crl_status {
  guard let configJSON, let instance else {
    reportError("null configuration or instance pointer", into: errorBuffer, size: errorSize)
    return CRL_INVALID_ARGUMENT
  }
  do {
    let created = try Instance(configJSON: String(cString: configJSON))
    instance.pointee = Unmanaged.passRetained(created).toOpaque()
    return CRL_OK
  } catch {
    reportError("\(error)", into: errorBuffer, size: errorSize)
    return CRL_INVALID_ARGUMENT
  }
}

/// The body of a compute(): scores the batch with the instance `createInstance` made.
public func computeInstance<Instance: RewardInstance>(
  _ type: Instance.Type, _ instance: UnsafeMutableRawPointer?,
  _ batch: UnsafePointer<crl_batch>?, _ output: UnsafeMutablePointer<crl_output>?,
  _ errorBuffer: UnsafeMutablePointer<CChar>?, _ errorSize: Int
) -> crl_status {
  guard let instance else {
    reportError("null instance", into: errorBuffer, size: errorSize)
    return CRL_INVALID_ARGUMENT
  }
  let scorer = Unmanaged<Instance>.fromOpaque(instance).takeUnretainedValue()
  return computeRewards(batch, output, errorBuffer, errorSize, scorer.rewards)
}

/// The body of a destroy(): releases the instance `createInstance` made.
public func destroyInstance<Instance: RewardInstance>(
  _ type: Instance.Type, _ instance: UnsafeMutableRawPointer?
) {
  guard let instance else { return }
  Unmanaged<Instance>.fromOpaque(instance).release()
}

/// A plugin descriptor in memory that lives as long as the library; the entry point returns
/// its `pointer`.
// Sendable: the tables are written once, before `pointer` is handed out, and only read after.
public struct PluginDescriptor: @unchecked Sendable {
  public let pointer: UnsafePointer<crl_plugin_desc>
}

/// The plugin descriptor the entry point returns, built for this header's ABI version.
public func pluginDescriptor(
  name: StaticString, version: StaticString, description: StaticString,
  components: [crl_component_desc]
) -> PluginDescriptor {
  PluginDescriptor(
    pointer: permanentTable([
      crl_plugin_desc(
        struct_size: UInt32(MemoryLayout<crl_plugin_desc>.size),
        abi_version: UInt32(CRL_ABI_VERSION_MAJOR) << 16 | UInt32(CRL_ABI_VERSION_MINOR),
        name: staticCString(name), version: staticCString(version),
        description: staticCString(description), num_components: UInt32(components.count),
        components: permanentTable(components), num_providers: 0, providers: nil)
    ]))
}
