import CrystalRLABI
import Foundation

/// The services table (`crl_host_api`) handed to plugins: the ABI version the host speaks (or
/// claims) and logging.
/// Messages go to `sink`, prefixed with the plugin's name; the default prints to stderr.
final class HostServices: Sendable {
  /// Receives plugin log messages: level (crl_log_level) and text.
  typealias Sink = @Sendable (_ level: Int32, _ message: String) -> Void

  let sink: Sink
  /// Stable storage for the C struct; plugins may keep the pointer while loaded.
  // Safe to share: written only in init, before the pointer is handed out; only read after.
  nonisolated(unsafe) let api: UnsafeMutablePointer<crl_host_api>

  init(sink: @escaping Sink, version: ABIVersion) {
    self.sink = sink
    api = .allocate(capacity: 1)
    api.initialize(
      to: crl_host_api(
        struct_size: UInt32(MemoryLayout<crl_host_api>.size),
        abi_version: version.packed,
        host_context: nil,
        log: { context, level, message in
          guard let context, let message else { return }
          let services = Unmanaged<HostServices>.fromOpaque(context).takeUnretainedValue()
          services.sink(level, String(cString: message))
        }))
    api.pointee.host_context = Unmanaged.passUnretained(self).toOpaque()
  }

  deinit {
    api.deinitialize(count: 1)
    api.deallocate()
  }

  /// A sink that writes "PREFIX LEVEL: message" to standard error for info and above (debug
  /// too when CRYSTALRL_PLUGIN_DEBUG is set).
  static func standardError(prefix: String) -> Sink {
    let minimum = ProcessInfo.processInfo.environment["CRYSTALRL_PLUGIN_DEBUG"] == nil ? 1 : 0
    return { level, message in
      guard level >= minimum else { return }
      let names = ["debug", "info", "warning", "error"]
      let label = names.indices.contains(Int(level)) ? names[Int(level)] : "log"
      FileHandle.standardError.write(Data("\(prefix)\(label): \(message)\n".utf8))
    }
  }
}
