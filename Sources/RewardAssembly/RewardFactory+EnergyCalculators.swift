import CrystalConfig
import DNGMetricProviders
import EnergyCalculation
import Foundation
import LocalCache
import PluginHost
import ReferenceData
import RewardPipeline

/// `energy_calculator`: CHGNet, an energy table, a plugin's metric provider or an ASE calculator
/// behind `e_above_hull`, one per setting, shared by the factory's pipelines and
/// `energyAboveHull`.
extension RewardFactory {
  /// For `plugin:PATH_OR_NAME:PROVIDER`: an energy calculator on that provider, taken from
  /// `reward_fn.metrics` when an entry names the same file and provider (its parameters and
  /// isolation apply), else created in-process with its defaults.
  mutating func pluginEnergyCalculator(
    plugin: String, provider name: String, _ configured: [ConfiguredMetric], setting: ConfigNode
  ) throws -> EnergyCalculator {
    let path = try locator.locate(plugin)
    let metric =
      try configured.first { $0.path == path && $0.provider.name == name }
      ?? pluginMetric(path, name, [:], .inProcess, setting)
    guard metric.provider.info.width == 1 else {
      throw setting.refusal(
        "metric provider '\(name)' has width \(metric.provider.info.width); an "
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

  /// How many worker processes share each batch, from `energy_workers` of the `reward_fn` node
  /// `config`: a positive integer (1 when absent); more than 1 only with `energy_calculator:
  /// chgnet` or `ase:MODULE:CALLABLE`, since the other calculators run in the host.
  public static func energyWorkers(of config: ConfigNode) throws -> Int {
    let setting = config["energy_workers"]
    guard let workers = try setting.optional({ try $0.positiveInt() }) else { return 1 }
    let spec = try EnergyCalculatorSpec(settingsIn: config)
    guard workers == 1 || spec.calculator.runsInWorkers else {
      throw setting.refusal(
        "\(workers) worker processes need energy_calculator: chgnet or ase:MODULE:CALLABLE; "
          + "'\(spec.setting)' runs in the host, so give 1")
    }
    return workers
  }

  /// The calculator `spec` names (`chgnet` or `ase:MODULE:CALLABLE`, with `workers` worker
  /// processes; `table:PATH`; `plugin:PATH_OR_NAME:PROVIDER`), started once per factory and
  /// shared by its pipelines and `energyAboveHull`.
  mutating func energyCalculator(
    _ spec: EnergyCalculatorSpec, workers: Int, _ configured: [ConfiguredMetric]
  ) throws -> EnergyCalculator {
    let pool = calculators
    let workers = spec.calculator.runsInWorkers ? workers : 1
    return try pool.calculator(workers > 1 ? "\(spec.key) × \(workers)" : spec.key) {
      switch spec.calculator {
      case .chgnet: return try ChgnetCalculator.start(workers: workers)
      case .ase(let ase):
        let calculator = try ase.start(workers: workers)
        log("energy calculator: \(calculator.identifier) with \(ase.interpreter)")
        return calculator
      case .table(let path): return try TableEnergyCalculator(url: URL(fileURLWithPath: path))
      case .plugin(let plugin, let provider):
        return try pluginEnergyCalculator(
          plugin: plugin, provider: provider, configured, setting: spec.node)
      }
    }
  }

  /// The reference set a config names (`builtin`, a dataset name, or a CSV path) with its
  /// matcher's memos, loaded once per factory (a pipeline and `evaluate` naming the same file
  /// share it) and cached in `cacheDirectory`.
  public func reference(named name: String) throws -> ReferenceContext {
    try references.context(named: name, resolveDataset: resolveDataset) { url in
      let reference =
        try url.map { try ReferenceSet.load($0, cacheDirectory: cacheDirectory) } ?? .builtin
      log("reference set \(reference.source): \(reference.structures.count) structures")
      return reference
    }
  }

  /// `e_above_hull` against the hull of `reference` (its energies and relaxed elemental
  /// references, computed once and cached) and the entries `hullReferences` add, with the
  /// calculator `spec` names and `workers` worker processes (see
  /// `energyWorkers(of:)`); a calculator the factory's pipelines use too is shared.
  public mutating func energyAboveHull(
    reference: ReferenceSet, calculator spec: EnergyCalculatorSpec, workers: Int = 1,
    hullReferences: HullReferences = .none
  ) throws -> EnergyAboveHullMetric {
    let calculator = try energyCalculator(spec, workers: workers, [])
    return try dngMetrics(energyCalculator: calculator).energyAboveHull(
      reference: reference, calculator: calculator, hullReferences: hullReferences)
  }

  /// The DNG metric setup with this factory's settings and `energyCalculator`.
  func dngMetrics(energyCalculator: EnergyCalculator?) -> DNGMetricsSetup {
    DNGMetricsSetup(
      reference: reference(named:), log: log, cacheDirectory: cacheDirectory,
      vae: diversityVAE, energyCalculator: energyCalculator)
  }
}
