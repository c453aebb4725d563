import CrystalConfig
import DNGRewardMetrics
import EnergyCalculation
import Foundation
import LocalCache
import PluginHost
import ReferenceData
import RewardPipeline

/// `reward_fn.energy_calculator`: CHGNet, an energy table or a plugin's metric provider behind
/// `e_above_hull`, one per setting, shared by the factory's pipelines and `energyAboveHull`.
extension RewardFactory {
  /// For `plugin:PATH_OR_NAME:PROVIDER`: an energy calculator on that provider, taken from
  /// `reward_fn.metrics` when an entry names the same file and provider (its parameters and
  /// isolation apply), else created in-process with its defaults.
  mutating func pluginEnergyCalculator(
    plugin: String, provider name: String, _ configured: [ConfiguredMetric]
  ) throws -> EnergyCalculator {
    let location = "reward_fn.energy_calculator"
    let path = try locator.locate(plugin)
    let metric =
      try configured.first { $0.path == path && $0.provider.name == name }
      ?? pluginMetric(path, name, [:], .inProcess, location)
    guard metric.provider.info.width == 1 else {
      throw RewardError.configuration(
        "\(location): metric provider '\(name)' has width \(metric.provider.info.width); an "
          + "energy calculator needs energy per atom in eV/atom, one value per structure")
    }
    var registry = metrics
    for other in configured + [metric] { registry.register(other.provider) }
    let file = try Data(contentsOf: URL(fileURLWithPath: path))
    let identity =
      "plugin \(URL(fileURLWithPath: path).lastPathComponent) "
      + "(fnv1a \(String(stableKey(bytes: file), radix: 16))) provider \(name) "
      + "parameters \(metric.parameters.json)"
    log("energy calculator: \(identity)")
    return ProviderEnergyCalculator(metric: name, registry: registry, identifier: identity)
  }

  /// `reward_fn.energy_workers`: how many CHGNet worker processes share each batch, a positive
  /// integer (1 when absent); more than 1 only with `energy_calculator: chgnet`, since the
  /// other calculators run in the host.
  static func energyWorkers(_ value: ConfigValue?, calculator setting: String) throws -> Int {
    guard let value else { return 1 }
    guard let workers = value.intValue, workers > 0 else {
      throw RewardError.configuration(
        "reward_fn.energy_workers must be a positive integer (CHGNet worker processes sharing "
          + "each batch), got \(value.json)")
    }
    let spec = try EnergyCalculatorSpec(parsing: setting)
    guard workers == 1 || spec == .chgnet else {
      throw RewardError.configuration(
        "reward_fn.energy_workers: \(workers) worker processes need energy_calculator: chgnet; "
          + "'\(setting)' runs in the host, so give 1")
    }
    return workers
  }

  /// The calculator `setting` names (`chgnet`, with `energyWorkers` worker processes;
  /// `table:PATH`; `plugin:PATH_OR_NAME:PROVIDER`), started once per factory and shared by its
  /// pipelines and `energyAboveHull`.
  mutating func energyCalculator(_ setting: String, _ configured: [ConfiguredMetric])
    throws -> EnergyCalculator
  {
    let spec = try EnergyCalculatorSpec(parsing: setting)
    let pool = calculators
    let workers = spec == .chgnet ? energyWorkers : 1
    return try pool.calculator(workers > 1 ? "\(setting) × \(workers)" : setting) {
      switch spec {
      case .chgnet: return try ChgnetCalculator.start(workers: workers)
      case .table(let path): return try TableEnergyCalculator(url: URL(fileURLWithPath: path))
      case .plugin(let plugin, let provider):
        return try pluginEnergyCalculator(plugin: plugin, provider: provider, configured)
      }
    }
  }

  /// The reference set a config names (`builtin`, a dataset name, or a CSV path), parsed once
  /// and cached in `cacheDirectory`.
  public func referenceSet(named name: String) throws -> ReferenceSet {
    try ReferenceSet.named(name, resolveDataset: resolveDataset, cacheDirectory: cacheDirectory)
  }

  /// `e_above_hull` against the hull of `reference` (its energies and relaxed elemental
  /// references, computed once and cached) and the entries `hullReferences` add, with the
  /// calculator `setting` names; a calculator the factory's pipelines use too is shared.
  public mutating func energyAboveHull(
    reference: ReferenceSet, calculator setting: String, hullReferences: HullReferences = .none
  ) throws -> EnergyAboveHullMetric {
    let calculator = try energyCalculator(setting, [])
    return try dngMetrics(energyCalculator: calculator).energyAboveHull(
      reference: reference, calculator: calculator, hullReferences: hullReferences)
  }

  /// The DNG metric setup with this factory's settings and `energyCalculator`.
  func dngMetrics(energyCalculator: EnergyCalculator?) -> DNGMetricsSetup {
    DNGMetricsSetup(
      resolveDataset: resolveDataset, log: log, cacheDirectory: cacheDirectory,
      vae: diversityVAE, energyCalculator: energyCalculator)
  }
}
