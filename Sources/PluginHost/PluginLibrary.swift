import CrystalRLABI
import Foundation

/// A loaded reward-plugin library: dlopen'ed, version-checked, its descriptors read and
/// validated (see `DescriptorReader`). Loading runs the plugin's code (its constructors and
/// entry point) in this process: use `PluginWorkerClient.describe` to look at an untrusted file.
/// The library stays loaded for the life of the process (instances may outlive this object's
/// users, and unloading code that may still run is never safe).
public final class PluginLibrary {
  public let info: PluginInfo
  let services: HostServices
  private let components: [UnsafePointer<crl_component_desc>]

  /// Loads the plugin at `path` (a file path; see `PluginLocator` for names).
  public init(path: String, log: (@Sendable (Int32, String) -> Void)? = nil) throws {
    guard FileManager.default.fileExists(atPath: path) else {
      throw PluginError.fileNotFound(path: path, searched: [])
    }
    let handle = StandardOutputGuard.run { dlopen(path, RTLD_NOW | RTLD_LOCAL) }
    guard let handle else {
      throw PluginError.cannotOpen(path: path, reason: String(cString: dlerror()))
    }
    guard let symbol = dlsym(handle, CRL_ENTRY_SYMBOL) else {
      throw PluginError.missingEntrySymbol(path: path)
    }
    let entry = unsafeBitCast(symbol, to: crl_entry_fn.self)
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    services = HostServices(sink: log ?? HostServices.standardError(prefix: "[plugin \(name)] "))
    let api = services.api
    guard let descriptor = StandardOutputGuard.run({ entry(api) }) else {
      throw PluginError.refusedHost(path: path, hostVersion: ABIVersion.host.description)
    }
    (info, components) = try DescriptorReader.read(UnsafeRawPointer(descriptor), path: path)
  }

  /// Looks up a component by name; the error lists the components the plugin has.
  public func component(named name: String) throws -> PluginComponentInfo {
    try info.component(named: name)
  }

  /// The validated raw descriptor of the component called `name`.
  func rawComponent(named name: String) throws -> UnsafePointer<crl_component_desc> {
    _ = try component(named: name)
    return components[info.components.firstIndex { $0.name == name }!]
  }
}
