import ArgumentParser
import CrystalConfig
import Foundation

/// Options shared by commands that compose a configuration: the config directory, the
/// primary config name and Hydra-style overrides.
struct ConfigOptions: ParsableArguments {
  @Option(help: "Directory of YAML configs (default: ./configs, else the installed configs).")
  var configDir: String?

  @Option(help: "Primary config file in the config directory, without .yaml.")
  var configName = "train_rl"

  @Argument(
    help: ArgumentHelp(
      "Overrides: key.path=value, +new.key=value, ~key, group=option (custom_reward=rl_dng).",
      valueName: "override"))
  var overrides: [String] = []

  /// The config directory to use.
  func directory() throws -> URL {
    if let configDir { return URL(fileURLWithPath: configDir) }
    let candidates: [String] = [
      ProcessInfo.processInfo.environment["CRYSTALRL_CONFIG_DIR"],
      FileManager.default.currentDirectoryPath + "/configs",
      // The source tree, from .build/<configuration>/crystalrl.
      URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("../../configs").standardized.path,
    ].compactMap { $0 }
    guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) })
    else {
      throw ConfigError(
        "no configs directory found (looked in \(candidates.joined(separator: ", "))); "
          + "pass --config-dir")
    }
    return URL(fileURLWithPath: found)
  }

  /// The composed configuration with its interpolator.
  func load(primary: String? = nil, extraOverrides: [String] = []) throws -> Interpolator {
    let root = try ConfigLoader(directory: try directory())
      .compose(primary: primary ?? configName, overrides: overrides + extraOverrides)
    return Interpolator(root: root, resolvers: ["hub": CheckpointStore.standard.resolve])
  }

  /// The CSV of a reference dataset: a path as given, or the `reference_file` of
  /// configs/data/NAME.yaml (the seed's "mp-20" is accepted for "mp_20").
  func datasetFile(_ nameOrPath: String) throws -> URL {
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".csv") {
      return URL(fileURLWithPath: nameOrPath)
    }
    let name = nameOrPath.replacingOccurrences(of: "-", with: "_")
    let interpolator = try load(extraOverrides: ["data=\(name)"])
    guard let file = try interpolator.resolved(at: "data.reference_file")?.stringValue else {
      throw ConfigError("configs/data/\(name).yaml has no reference_file")
    }
    return URL(fileURLWithPath: file)
  }
}
