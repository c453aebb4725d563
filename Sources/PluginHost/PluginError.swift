/// Why a plugin could not be loaded or used. Every case names the plugin file, or the component
/// or metric provider (`PluginSubject`).
/// Codable: a worker process sends its errors to the host as they are.
public enum PluginError: Error, CustomStringConvertible, Equatable, Codable {
  case fileNotFound(path: String, searched: [String])
  case cannotOpen(path: String, reason: String)
  case missingEntrySymbol(path: String)
  case refusedHost(path: String, hostVersion: String)
  case incompatibleVersion(path: String, pluginVersion: String, hostVersion: String)
  case malformedDescriptor(path: String, reason: String)
  case unknownComponent(path: String, name: String, available: [String])
  case unknownProvider(path: String, name: String, available: [String])
  case createFailed(subject: PluginSubject, message: String)
  case computeFailed(subject: PluginSubject, message: String)
  /// The plugin reported `got` values where `structures × width` were due.
  case wrongCount(subject: PluginSubject, structures: Int, width: Int, got: Int)
  case nanOutput(subject: PluginSubject, index: Int)
  case infiniteOutput(subject: PluginSubject, index: Int, negative: Bool)
  case outputOverrun(subject: PluginSubject, capacity: Int)
  /// The component or provider failed while its worker ran under `memory_limit_mb`.
  case memoryLimit(subject: PluginSubject, limitMB: Int, message: String)
  /// The worker process that loads and describes an isolated plugin failed.
  case workerFailed(path: String, message: String)

  /// The component or provider at fault, when the error is about one.
  public var subject: PluginSubject? {
    switch self {
    case .createFailed(let subject, _), .computeFailed(let subject, _),
      .wrongCount(let subject, _, _, _), .nanOutput(let subject, _),
      .infiniteOutput(let subject, _, _), .outputOverrun(let subject, _),
      .memoryLimit(let subject, _, _):
      return subject
    case .fileNotFound, .cannotOpen, .missingEntrySymbol, .refusedHost, .incompatibleVersion,
      .malformedDescriptor, .unknownComponent, .unknownProvider, .workerFailed:
      return nil
    }
  }

  /// What stands for the message of a plugin that failed without writing one.
  package static let noMessage = "(no message)"

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
    case .unknownProvider(let path, let name, let available):
      return "plugin \(path) has no metric provider '\(name)'; it has: "
        + (available.isEmpty ? "none" : available.joined(separator: ", "))
    case .createFailed(let subject, let message):
      return "\(subject) failed to create: \(message)"
    case .computeFailed(let subject, let message):
      return "\(subject) failed: \(message)"
    case .wrongCount(let subject, let structures, let width, let got):
      return width == 1
        ? "\(subject) returned \(got) \(subject.unit) for \(structures) structures"
        : "\(subject) returned \(got) \(subject.unit) for \(structures) structures of width \(width) "
          + "(\(structures * width) expected)"
    case .nanOutput(let subject, let index):
      return "\(subject) returned NaN for structure \(index) "
        + "(it does not declare \(subject.nanFlag))"
    case .infiniteOutput(let subject, let index, let negative):
      return "\(subject) returned \(negative ? "-" : "+")inf for structure "
        + "\(index) (infinite \(subject.unit) are never accepted)"
    case .outputOverrun(let subject, let capacity):
      return
        "\(subject) wrote past the end of its output buffer (capacity \(capacity) \(subject.unit))"
    case .memoryLimit(let subject, let limitMB, let message):
      return "\(subject) ran out of memory under its limit "
        + "(memory_limit_mb: \(limitMB)): \(message)"
    case .workerFailed(let path, let message):
      return "plugin \(path) failed in its worker process: \(message)"
    }
  }
}
