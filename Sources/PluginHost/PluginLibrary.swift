import CrystalRLABI
import Foundation
import Synchronization

/// A loaded plugin library: dlopen'ed, version-checked, its descriptors read and validated (see
/// `DescriptorReader`). Loading runs the plugin's code (its constructors and entry point) in
/// this process: use `PluginWorkerClient.describe` to look at an untrusted file. The library
/// stays loaded for the life of the process (instances may outlive this object's users, and
/// unloading code that may still run is never safe).
public final class PluginLibrary: Sendable {
  public let info: PluginInfo
  let services: HostServices
  private let components: [PluginEntryPoints]
  private let providers: [PluginEntryPoints]
  /// Held while a create() runs: the ABI never calls create concurrently for one library.
  private let creating = Mutex(())

  /// Loads the plugin at `path` (a file path; see `PluginLocator` for names). `hostVersion` is
  /// the ABI version this host claims in the handshake; only tests claim an older one.
  public init(
    path: String, log: (@Sendable (Int32, String) -> Void)? = nil,
    hostVersion: ABIVersion = .host
  ) throws {
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
    services = HostServices(
      sink: log ?? HostServices.standardError(prefix: "[plugin \(name)] "), version: hostVersion)
    let api = services.api
    guard let descriptor = StandardOutputGuard.run({ entry(api) }) else {
      throw PluginError.refusedHost(path: path, hostVersion: hostVersion.description)
    }
    let contents = try DescriptorReader.read(
      UnsafeRawPointer(descriptor), path: path, hostVersion: hostVersion)
    (info, components, providers) = (contents.info, contents.components, contents.providers)
  }

  /// Looks up a component by name; the error lists the components the plugin has.
  public func component(named name: String) throws -> PluginComponentInfo {
    try info.component(named: name)
  }

  /// Looks up a metric provider by name; the error lists the providers the plugin has.
  public func provider(named name: String) throws -> PluginProviderInfo {
    try info.provider(named: name)
  }

  /// Runs `body` (a call of create()) while no other create() of this library runs.
  func creatingInstance<T>(_ body: () throws -> T) rethrows -> T {
    try creating.withLock { _ in try body() }
  }

  /// The validated functions of the component or provider `subject` names.
  func entryPoints(of subject: PluginSubject) throws -> PluginEntryPoints {
    _ = try info.computation(subject)
    switch subject {
    case .component(let name):
      return components[info.components.firstIndex { $0.name == name }!]
    case .provider(let name):
      return providers[info.providers.firstIndex { $0.name == name }!]
    }
  }
}
