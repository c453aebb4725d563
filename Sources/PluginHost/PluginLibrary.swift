import CrystalRLABI
import Foundation

/// A loaded reward-plugin library: dlopen'ed, version-checked, its descriptors read.
/// The library stays loaded for the life of the process (instances may outlive this object's
/// users, and unloading code that may still run is never safe).
public final class PluginLibrary {
  public let info: PluginInfo
  let descriptor: UnsafePointer<crl_plugin_desc>
  let services: HostServices

  /// Loads the plugin at `path` (a file path; see `PluginLocator` for names).
  public init(path: String, log: (@Sendable (Int32, String) -> Void)? = nil) throws {
    guard FileManager.default.fileExists(atPath: path) else {
      throw PluginError.fileNotFound(path: path, searched: [])
    }
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
      throw PluginError.cannotOpen(path: path, reason: String(cString: dlerror()))
    }
    guard let symbol = dlsym(handle, CRL_ENTRY_SYMBOL) else {
      throw PluginError.missingEntrySymbol(path: path)
    }
    let entry = unsafeBitCast(symbol, to: crl_entry_fn.self)
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    services = HostServices(sink: log ?? HostServices.standardError(plugin: name))
    guard let descriptor = entry(services.api) else {
      throw PluginError.refusedHost(path: path, hostVersion: ABIVersion.host.description)
    }
    self.descriptor = descriptor
    info = try PluginLibrary.readInfo(descriptor, path: path)
  }

  /// Looks up a component by name; the error lists the components the plugin has.
  public func component(named name: String) throws -> PluginComponentInfo {
    guard let component = info.components.first(where: { $0.name == name }) else {
      throw PluginError.unknownComponent(
        path: info.path, name: name, available: info.components.map(\.name))
    }
    return component
  }

  /// The raw descriptor of component `index`.
  func rawComponent(_ index: Int) -> UnsafePointer<crl_component_desc> {
    // Validated by readInfo.
    try! DescriptorReader.element(
      descriptor.pointee.components, index, minimumSize: MemoryLayout<crl_component_desc>.size)
  }

  private static func readInfo(_ descriptor: UnsafePointer<crl_plugin_desc>, path: String) throws
    -> PluginInfo
  {
    // Read the version fields first: they sit at fixed offsets in every ABI major.
    let raw = UnsafeRawPointer(descriptor)
    let version = ABIVersion(packed: raw.load(fromByteOffset: 4, as: UInt32.self))
    guard version.isLoadable(by: .host) else {
      throw PluginError.incompatibleVersion(
        path: path, pluginVersion: version.description, hostVersion: ABIVersion.host.description)
    }
    let plugin = descriptor.pointee
    guard plugin.struct_size >= MemoryLayout<crl_plugin_desc>.size else {
      throw PluginError.malformedDescriptor(
        path: path, reason: "crl_plugin_desc.struct_size is \(plugin.struct_size)")
    }
    do {
      guard plugin.num_components > 0, let base = plugin.components else {
        throw DescriptorError("the plugin declares no components")
      }
      let components = try (0..<Int(plugin.num_components)).map { index in
        let desc = try DescriptorReader.element(
          base, index, minimumSize: MemoryLayout<crl_component_desc>.size
        ).pointee
        guard desc.name != nil, desc.create != nil, desc.compute != nil, desc.destroy != nil
        else {
          throw DescriptorError(
            "component \(index) lacks a name or a create/compute/destroy function")
        }
        return PluginComponentInfo(
          name: DescriptorReader.string(desc.name),
          description: DescriptorReader.string(desc.description),
          parameters: try DescriptorReader.parameters(desc),
          requiredMetrics: DescriptorReader.metrics(desc.required_metrics),
          outputMayBeNaN: desc.flags & UInt32(CRL_COMPONENT_OUTPUT_MAY_BE_NAN) != 0)
      }
      return PluginInfo(
        path: path, name: DescriptorReader.string(plugin.name),
        version: DescriptorReader.string(plugin.version),
        description: DescriptorReader.string(plugin.description), abiVersion: version,
        components: components)
    } catch let error as DescriptorError {
      throw PluginError.malformedDescriptor(path: path, reason: error.reason)
    }
  }
}
