import Foundation

/// The directory CrystalRL keeps everything it caches on this machine under: reference
/// archives and energies (`references/`), the checkpoint store (`checkpoints/`), the built-in
/// configs (`configs-<hash>/`), the benchmark models (`benchmarks/`) and the Python
/// environments of `scripts/python-env.sh` (`venv/`, `venv-chgnet/`). It is
/// `$CRYSTALRL_CACHE` when set, else `$XDG_CACHE_HOME/crystalrl`, else `~/.cache/crystalrl`.
///
/// ```swift
/// let store = CacheRoot.directory().appendingPathComponent("checkpoints")
/// ```
public enum CacheRoot {
  /// The cache root under `environment` (empty variables count as unset).
  public static func directory(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> URL {
    func value(_ name: String) -> String? {
      environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
    if let root = value("CRYSTALRL_CACHE") { return URL(fileURLWithPath: root) }
    let base = value("XDG_CACHE_HOME") ?? (NSHomeDirectory() + "/.cache")
    return URL(fileURLWithPath: base).appendingPathComponent("crystalrl")
  }

  /// `name` under the cache root of `environment`.
  public static func subdirectory(
    _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> URL {
    directory(environment: environment).appendingPathComponent(name)
  }
}
