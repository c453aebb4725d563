import ArgumentParser
import CrystalConfig
import CrystalModels
import Foundation
import RewardAssembly

/// Options shared by commands that compose a configuration: the config directory, the
/// primary config name and Hydra-style overrides.
public struct ConfigOptions: ParsableArguments {
  @Option(
    help:
      "Directory of YAML configs (default: $CRYSTALRL_CONFIG_DIR, ./configs, the package's, or the built-in copy)."
  )
  var configDir: UserPath?

  @Option(help: "Primary config file in the config directory, without .yaml.")
  var configName = "train_rl"

  @Argument(
    help: ArgumentHelp(
      "Overrides: key.path=value, +new.key=value, ~key, group=option (custom_reward=rl_dng).",
      valueName: "override"))
  var overrides: [String] = []

  public init() {}

  /// The loader of the config directory in use.
  func loader() throws -> ConfigLoader {
    ConfigLoader(directory: try ConfigDirectory.locate(explicit: configDir?.url.path))
  }

  /// The composed configuration (`primary`, else `--config-name`) ready for typed reads;
  /// `${hub:NAME}` resolves against the checkpoint store.
  public func load(primary: String? = nil) throws -> ComposedConfig {
    let root = try loader().compose(primary: primary ?? configName, overrides: overrides)
    return ComposedConfig(
      root: root,
      resolvers: ["hub": { .string(try CheckpointStore.standard.existing($0).path) }])
  }

  /// The file of a reference dataset named by name or path, read from the same configs and
  /// `paths.`/`data.` overrides; a relative path is taken from the launch directory.
  func datasetResolver() throws -> (String) throws -> URL {
    let catalog = DatasetCatalog(
      loader: try loader(),
      overrides: overrides.filter { $0.hasPrefix("paths.") || $0.hasPrefix("data.") })
    return { LaunchDirectory.resolve(try catalog.file($0).relativePath) }
  }

  /// The factory of the reward pipeline `config` describes, as `crystalrl reward` builds it:
  /// datasets found through these options, progress on standard error, and the diversity
  /// features of the configured VAE.
  public func rewardFactory(_ config: ComposedConfig) throws -> RewardFactory {
    var factory = RewardFactory(resolveDataset: try datasetResolver(), log: logToStandardError)
    factory.diversityVAE = { config.trainedVAE() }
    return factory
  }
}
