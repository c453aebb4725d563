import Foundation
import LocalCache

/// Finds the directory of YAML configs wherever the program runs from.
///
/// In order: an explicit directory (`--config-dir`), `$CRYSTALRL_CONFIG_DIR`, `./configs`,
/// the `configs/` of the package the executable was built in (symlinks resolved, so a link to
/// `.build/release/crystalrl` on the PATH works), and last the copy built into the binary,
/// written once to the cache (`configs-<hash>` under `CacheRoot`).
///
/// ```swift
/// let loader = ConfigLoader(directory: try ConfigDirectory.locate())
/// ```
public enum ConfigDirectory {
  public static func locate(
    explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executable: String = CommandLine.arguments[0]
  ) throws -> URL {
    if let explicit {
      guard isDirectory(explicit) else {
        throw ConfigError("--config-dir \(explicit) is not a directory")
      }
      return URL(fileURLWithPath: explicit)
    }
    let executableDirectory = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    let candidates: [String] = [
      environment["CRYSTALRL_CONFIG_DIR"],
      currentDirectory + "/configs",
      // The package root, from .build/<configuration>/crystalrl or .build/<triple>/<config>/.
      executableDirectory.appendingPathComponent("../../configs").standardized.path,
      executableDirectory.appendingPathComponent("../../../configs").standardized.path,
    ].compactMap { $0 }
    if let found = candidates.first(where: { isDirectory($0 + "/custom_reward") }) {
      return URL(fileURLWithPath: found)
    }
    return try embeddedCopy(environment: environment)
  }

  /// The built-in configs written to the cache (once per content).
  static func embeddedCopy(environment: [String: String]) throws -> URL {
    let hash = stableKey(
      EmbeddedConfigs.files.keys.sorted().map { $0 + "\u{0}" + EmbeddedConfigs.files[$0]! }
        .joined())
    let directory = CacheRoot.subdirectory(
      "configs-\(String(hash, radix: 16))", environment: environment)
    if isDirectory(directory.path) { return directory }
    let staging = directory.deletingLastPathComponent()
      .appendingPathComponent(".configs-\(UUID().uuidString)")
    for (name, text) in EmbeddedConfigs.files {
      let file = staging.appendingPathComponent(name)
      try FileManager.default.createDirectory(
        at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: file, atomically: true, encoding: .utf8)
    }
    do {
      try FileManager.default.moveItem(at: staging, to: directory)
    } catch  where isDirectory(directory.path) {
      try? FileManager.default.removeItem(at: staging)  // another process got there first
    }
    return directory
  }

  private static func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory)
      && directory.boolValue
  }
}
