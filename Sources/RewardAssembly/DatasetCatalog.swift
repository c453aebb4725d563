import CrystalConfig
import Foundation

/// Finds a dataset's reference CSV from its name, as configs/data/NAME.yaml describes it, or
/// takes a path as given.
///
/// ```swift
/// let catalog = DatasetCatalog(loader: ConfigLoader(directory: configs))
/// let csv = try catalog.file("perov_5")  // data.reference_file of data=perov_5
/// ```
public struct DatasetCatalog {
  public let loader: ConfigLoader
  /// The primary config composed to read a dataset's keys, and the overrides applied too.
  public let primary: String
  public let overrides: [String]

  public init(loader: ConfigLoader, primary: String = "train_rl", overrides: [String] = []) {
    self.loader = loader
    self.primary = primary
    self.overrides = overrides
  }

  /// The CSV of a reference dataset: a path as given, or the `reference_file` of
  /// configs/data/NAME.yaml (Chemeleon2's "mp-20" is accepted for "mp_20").
  public func file(_ nameOrPath: String) throws -> URL {
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".csv") {
      return URL(fileURLWithPath: nameOrPath)
    }
    let name = nameOrPath.replacingOccurrences(of: "-", with: "_")
    guard loader.options(of: "data").contains(name) else {
      throw ConfigError(
        "unknown dataset '\(nameOrPath)'; known: "
          + loader.options(of: "data").joined(separator: ", ") + " (or give a path to a CSV)")
    }
    let config = ComposedConfig(
      root: try loader.compose(primary: primary, overrides: overrides + ["data=\(name)"]))
    return URL(fileURLWithPath: try config.string("data.reference_file"))
  }
}
