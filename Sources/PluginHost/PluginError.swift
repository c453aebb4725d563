/// Why a plugin could not be loaded or used. Every case names the plugin file or component.
/// Codable: a worker process sends its errors to the host as they are.
public enum PluginError: Error, CustomStringConvertible, Equatable, Codable {
  case fileNotFound(path: String, searched: [String])
  case cannotOpen(path: String, reason: String)
  case missingEntrySymbol(path: String)
  case refusedHost(path: String, hostVersion: String)
  case incompatibleVersion(path: String, pluginVersion: String, hostVersion: String)
  case malformedDescriptor(path: String, reason: String)
  case unknownComponent(path: String, name: String, available: [String])
  case createFailed(component: String, message: String)
  case computeFailed(component: String, message: String)
  case wrongCount(component: String, expected: Int, got: Int)
  case nanOutput(component: String, index: Int)
  case infiniteOutput(component: String, index: Int, negative: Bool)
  case outputOverrun(component: String, capacity: Int)
  /// The component failed while its worker ran under `memory_limit_mb`.
  case memoryLimit(component: String, limitMB: Int, message: String)
  /// The worker process that loads and describes an isolated plugin failed.
  case workerFailed(path: String, message: String)

  public var description: String {
    switch self {
    case .fileNotFound(let path, let searched):
      return "plugin '\(path)' not found"
        + (searched.isEmpty ? "" : "; searched: \(searched.joined(separator: ", "))")
    case .cannotOpen(let path, let reason):
      return "cannot load plugin \(path) (not a shared object for this machine?): \(reason)"
    case .missingEntrySymbol(let path):
      return "\(path) is not a CrystalRL plugin: it does not export crystalrl_plugin_entry"
    case .refusedHost(let path, let hostVersion):
      return "plugin \(path) refused this host (host speaks ABI \(hostVersion))"
    case .incompatibleVersion(let path, let pluginVersion, let hostVersion):
      return "plugin \(path) was built for ABI \(pluginVersion) but this host speaks ABI "
        + "\(hostVersion); rebuild the plugin against this host's crystalrl_plugin.h"
    case .malformedDescriptor(let path, let reason):
      return "plugin \(path) has a malformed descriptor: \(reason)"
    case .unknownComponent(let path, let name, let available):
      return "plugin \(path) has no component '\(name)'; it has: "
        + available.joined(separator: ", ")
    case .createFailed(let component, let message):
      return "plugin component '\(component)' failed to create: \(message)"
    case .computeFailed(let component, let message):
      return "plugin component '\(component)' failed: \(message)"
    case .wrongCount(let component, let expected, let got):
      return "plugin component '\(component)' returned \(got) rewards for \(expected) structures"
    case .nanOutput(let component, let index):
      return "plugin component '\(component)' returned NaN for structure \(index) "
        + "(it does not declare CRL_COMPONENT_OUTPUT_MAY_BE_NAN)"
    case .infiniteOutput(let component, let index, let negative):
      return "plugin component '\(component)' returned \(negative ? "-" : "+")inf for structure "
        + "\(index) (infinite rewards are never accepted)"
    case .outputOverrun(let component, let capacity):
      return "plugin component '\(component)' wrote past the end of its output buffer "
        + "(capacity \(capacity) rewards)"
    case .memoryLimit(let component, let limitMB, let message):
      return "plugin component '\(component)' ran out of memory under its limit "
        + "(memory_limit_mb: \(limitMB)): \(message)"
    case .workerFailed(let path, let message):
      return "plugin \(path) failed in its worker process: \(message)"
    }
  }
}
