import CrystalConfig
import CrystalModels
import DNGRewardMetrics
import EnergyCalculation
import Foundation
import PluginHost
import ReferenceData
import RewardPipeline

/// Builds a `ReinforceReward` from a resolved `reward_fn` config node, loading plugins as
/// needed. Accepts Chemeleon2's `_target_` class paths as aliases of built-in components and
/// `plugin: PATH_OR_NAME` + `component: NAME` for plugin components; `metrics` lists plugin
/// metric providers (`plugin` + `provider: NAME`) that join the built-in metrics. A component
/// declaring CRL_COMPONENT_METRICS_FROM_CONFIG (PythonReward's `python`) takes the metrics it
/// receives from `required_metrics: [NAME, ...]`. Every other key of a component or metric
/// entry is a parameter, checked against what it declares.
///
/// ```swift
/// var factory = RewardFactory(resolveDataset: DatasetCatalog(loader: loader).file)
/// let pipeline = try factory.makePipeline(try config.value("rl_module.reward_fn"))
/// let report = try pipeline.score(structures)
/// ```
public struct RewardFactory {
  /// Keys the pipeline itself reads from `reward_fn`.
  static let pipelineKeys = [
    "_target_", "normalize_fn", "eps", "reference_dataset", "energy_calculator",
    "energy_workers", "hull_references", "components", "metrics",
  ]
  /// Keys the pipeline reads from each component entry; all others are parameters.
  static let componentKeys = [
    "_target_", "plugin", "component", "weight", "normalize_fn", "eps", "isolation", "timeout",
    "memory_limit_mb", "on_error", "required_metrics",
  ]
  /// Keys the pipeline reads from each `metrics` entry; all others are parameters.
  static let metricKeys = ["plugin", "provider", "isolation", "timeout", "memory_limit_mb"]
  static let pipelineTargets = ["src.rl_module.reward.ReinforceReward", "ReinforceReward"]

  /// Where a `_target_` alias points. A plugin target's `libraries` are parameters naming a
  /// shared library: a name found on the plugin search path is passed as its path.
  enum Target: Sendable {
    case builtin(
      parameters: [String], make: @Sendable ([String: ConfigValue]) throws -> RewardComponent)
    case plugin(name: String, component: String, libraries: [String] = [])
  }

  /// `_target_` names understood, by full class path and by short name.
  static let targets: [String: Target] = {
    let customReward = Target.builtin(parameters: ["target_density"]) { parameters in
      guard let target = parameters["target_density"] else { return AtomicDensityReward() }
      guard let value = target.doubleValue, value.isFinite else {
        throw RewardError.configuration(
          "target_density must be a finite number, got \(target.json)")
      }
      return AtomicDensityReward(targetDensity: value)
    }
    let dng: [(String, String)] = [
      ("CreativityReward", "creativity"), ("EnergyReward", "energy"),
      ("StructureDiversityReward", "structure_diversity"),
      ("CompositionDiversityReward", "composition_diversity"),
    ]
    var table: [String: Target] = [
      "CustomReward": customReward, "AtomicDensityReward": customReward,
    ]
    for (name, component) in dng { table[name] = .plugin(name: "DNG", component: component) }
    table["PredictorReward"] = .plugin(name: "Predictor", component: "predictor")
    table["FunctionReward"] = .plugin(
      name: "FunctionReward", component: "function", libraries: ["library"])
    for (name, target) in table { table["src.rl_module.components.\(name)"] = target }
    return table
  }()

  public let locator: PluginLocator
  public let metrics: MetricRegistry
  /// Finds a reference dataset's CSV from its name (configs/data/NAME.yaml) or path.
  public var resolveDataset: (String) throws -> URL
  /// Progress messages (loading references, computing reference energies).
  public var log: @Sendable (String) -> Void
  /// Where parsed reference sets and their energies are cached.
  public var cacheDirectory: URL
  /// The VAE whose latents give the diversity rewards' features, as in Chemeleon2; asked for
  /// only when a diversity reward is configured. Nil means descriptor features.
  public var diversityVAE: () throws -> CrystalVAE? = { nil }
  var libraries: [String: PluginLibrary] = [:]
  let calculators = EnergyCalculatorPool()
  /// CHGNet worker processes sharing each batch (`reward_fn.energy_workers` of the latest
  /// pipeline made; 1 until then).
  public internal(set) var energyWorkers = 1
  /// Isolated plugins' descriptions, as their worker processes reported them.
  private var describedPlugins: [String: PluginInfo] = [:]

  public init(
    locator: PluginLocator = .standard, metrics: MetricRegistry = .standard,
    resolveDataset: @escaping (String) throws -> URL = { URL(fileURLWithPath: $0) },
    log: @escaping @Sendable (String) -> Void = { _ in },
    cacheDirectory: URL = ReferenceSet.defaultCacheDirectory
  ) {
    self.cacheDirectory = cacheDirectory
    self.locator = locator
    self.metrics = metrics
    self.resolveDataset = resolveDataset
    self.log = log
  }

  /// Builds the pipeline described by `config` (the resolved `rl_module.reward_fn` node).
  public mutating func makePipeline(_ config: ConfigValue) throws -> ReinforceReward {
    guard let map = config.mapValue else {
      throw RewardError.configuration("reward_fn must be a map, got \(config.json)")
    }
    try checkKeys(map, allowed: Self.pipelineKeys, where: "reward_fn")
    if let target = map["_target_"]?.stringValue, !Self.pipelineTargets.contains(target) {
      throw RewardError.configuration(
        "reward_fn._target_ '\(target)' is not a pipeline; valid: "
          + Self.pipelineTargets.joined(separator: ", "))
    }
    guard let entries = map["components"]?.listValue, !entries.isEmpty else {
      throw RewardError.configuration("reward_fn.components must be a non-empty list")
    }
    let components = try entries.enumerated().map { index, entry in
      try makeComponent(entry, where: "reward_fn.components.\(index)")
    }
    let configured = try configuredMetrics(map["metrics"])
    let required = components.flatMap(\.component.requiredMetrics)
    let needed = Self.closure(of: required, over: configured.map(\.provider))
    let setting = map["energy_calculator"]?.stringValue ?? "chgnet"
    _ = try EnergyCalculatorSpec(parsing: setting)  // a bad setting is an error even when unused
    energyWorkers = try Self.energyWorkers(map["energy_workers"], calculator: setting)
    _ = try HullReferences(map["hull_references"], key: "reward_fn.hull_references")
    let calculator =
      needed.contains("e_above_hull") ? try energyCalculator(setting, configured) : nil
    var registry = metrics
    for provider in ValidityMetrics.providers where !registry.names.contains(provider.name) {
      registry.register(provider)
    }
    try dngMetrics(energyCalculator: calculator).register(
      needed.subtracting(configured.map(\.provider.name)), config: map, into: &registry)
    for metric in configured { registry.register(metric.provider) }
    _ = try registry.order(required)
    return ReinforceReward(
      components: components, normalization: try normalization(map["normalize_fn"]),
      eps: try number(map["eps"], default: 1e-4, key: "reward_fn.eps"), metrics: registry)
  }

  private mutating func makeComponent(_ entry: ConfigValue, where location: String) throws
    -> WeightedComponent
  {
    guard let map = entry.mapValue else {
      throw RewardError.configuration("\(location) must be a map, got \(entry.json)")
    }
    let parameters = map.filter { !Self.componentKeys.contains($0.key) }.mapValues(Self.seedForm)
    let metrics = try configuredMetricNames(map["required_metrics"], location)
    let component: RewardComponent
    if let plugin = map["plugin"]?.stringValue {
      guard let name = map["component"]?.stringValue else {
        throw RewardError.configuration("\(location): `plugin` needs `component: NAME` too")
      }
      component = try pluginComponent(
        plugin, name, parameters, isolation(map, location), location, requiredMetrics: metrics)
    } else if let targetName = map["_target_"]?.stringValue {
      switch Self.targets[targetName] {
      case .builtin(let allowed, let make)?:
        try checkKeys(
          parameters, allowed: allowed + Self.componentKeys, where: "\(location) (\(targetName))")
        let component = try make(parameters)
        if metrics != nil {
          throw RewardError.configuration(
            "\(location).required_metrics (\(targetName)): "
              + PluginComponentInfo.fixedMetricsMessage(component.requiredMetrics))
        }
        return try weighted(component, map, location)
      case .plugin(let plugin, let name, let libraries)?:
        var parameters = parameters
        for key in libraries {
          guard let library = parameters[key]?.stringValue,
            let path = try? locator.locate(library)
          else { continue }
          parameters[key] = .string(URL(fileURLWithPath: path).path)
        }
        component = try pluginComponent(
          plugin, name, parameters, isolation(map, location), location, requiredMetrics: metrics)
      case nil:
        let known = Self.targets.keys.filter { $0.hasPrefix("src.") }.sorted()
        throw RewardError.configuration(
          "\(location): unknown _target_ '\(targetName)'; valid: \(known.joined(separator: ", ")) "
            + "(or give `plugin: PATH_OR_NAME` and `component: NAME`)")
      }
    } else {
      throw RewardError.configuration(
        "\(location) names no component: give `_target_` or `plugin` + `component`")
    }
    return try weighted(component, map, location)
  }

  /// `component` with the weight, normalization, eps and error policy of its entry `map`.
  private func weighted(
    _ component: RewardComponent, _ map: [String: ConfigValue], _ location: String
  ) throws -> WeightedComponent {
    WeightedComponent(
      component, weight: try number(map["weight"], default: 1, key: "\(location).weight"),
      normalization: try normalization(map["normalize_fn"]),
      eps: try number(map["eps"], default: 1e-4, key: "\(location).eps"),
      onError: try map["on_error"].map { try OnErrorPolicy.parse($0.stringValue ?? $0.json) }
        ?? .fail)
  }

  /// How a plugin component runs: in the host process, or in its own worker process with a
  /// per-batch timeout and an optional memory limit (`isolation: process`, `timeout: SECONDS`,
  /// default 60, `memory_limit_mb: MB`).
  enum Isolation {
    case inProcess
    case process(WorkerLimits)
  }

  func isolation(_ map: [String: ConfigValue], _ location: String) throws -> Isolation {
    let timeout = try number(map["timeout"], default: 60, key: "\(location).timeout")
    switch map["isolation"]?.stringValue ?? "in_process" {
    case "in_process":
      for key in ["timeout", "memory_limit_mb"] where map[key] != nil {
        throw RewardError.configuration("\(location): \(key) needs isolation: process")
      }
      return .inProcess
    case "process":
      guard timeout > 0 else {
        throw RewardError.configuration("\(location).timeout must be positive")
      }
      let memory = try map["memory_limit_mb"].map { value in
        guard let megabytes = value.intValue, megabytes > 0 else {
          throw RewardError.configuration(
            "\(location).memory_limit_mb must be a positive integer, got \(value.json)")
        }
        return megabytes
      }
      return .process(WorkerLimits(timeout: timeout, memoryLimitMB: memory))
    default:
      throw RewardError.configuration(
        "\(location).isolation must be in_process or process, got \(map["isolation"]!.json)")
    }
  }

  /// A component entry's `required_metrics`: nil when absent, else a list of distinct metric
  /// names.
  private func configuredMetricNames(_ value: ConfigValue?, _ location: String) throws
    -> [String]?
  {
    guard let value else { return nil }
    let key = "\(location).required_metrics"
    guard let list = value.listValue else {
      throw RewardError.configuration("\(key) must be a list of metric names, got \(value.json)")
    }
    let names = try list.map { entry in
      guard let name = entry.stringValue, !name.isEmpty else {
        throw RewardError.configuration(
          "\(key) must be a list of metric names, got \(entry.json) in it")
      }
      return name
    }
    var seen = Set<String>()
    if let repeated = names.first(where: { !seen.insert($0).inserted }) {
      throw RewardError.configuration("\(key) names metric '\(repeated)' twice")
    }
    return names
  }

  /// Component `name` of `plugin`, with `requiredMetrics` (its entry's `required_metrics`,
  /// only for a component declaring CRL_COMPONENT_METRICS_FROM_CONFIG).
  private mutating func pluginComponent(
    _ plugin: String, _ name: String, _ parameters: [String: ConfigValue],
    _ isolation: Isolation, _ location: String, requiredMetrics: [String]?
  ) throws -> RewardComponent {
    let path = try locator.locate(plugin)
    let info = try checkParameters(
      path, .component(name), parameters, isolation, location, hostKeys: Self.componentKeys)
    if requiredMetrics != nil, let info = info as? PluginComponentInfo, !info.metricsFromConfig {
      throw RewardError.configuration(
        "\(location).required_metrics (\(name)): "
          + PluginComponentInfo.fixedMetricsMessage(info.requiredMetrics))
    }
    let configJSON = ConfigValue.map(parameters).json
    switch isolation {
    case .inProcess:
      return try PluginComponent(
        library: libraries[path]!, name: name, configJSON: configJSON,
        requiredMetrics: requiredMetrics)
    case .process(let limits):
      return try IsolatedPluginComponent(
        path: path, name: name, configJSON: configJSON, limits: limits,
        requiredMetrics: requiredMetrics)
    }
  }

  /// Looks up the component or provider `subject` names in the plugin at `path` (loading the
  /// library into `libraries` in-process; under isolation a worker describes it, nothing of it
  /// runs here) and checks `parameters` against the parameters it declares; returns what the
  /// plugin says about it.
  @discardableResult
  mutating func checkParameters(
    _ path: String, _ subject: PluginSubject, _ parameters: [String: ConfigValue],
    _ isolation: Isolation, _ location: String, hostKeys: [String]
  ) throws -> any PluginComputationInfo {
    let info: any PluginComputationInfo
    switch isolation {
    case .inProcess:
      let library = try libraries[path] ?? PluginLibrary(path: path)
      libraries[path] = library
      info = try library.info.computation(subject)
    case .process(let limits):
      let described =
        try describedPlugins[path] ?? PluginWorkerClient.describe(path: path, limits: limits)
      describedPlugins[path] = described
      info = try described.computation(subject)
    }
    let name = subject.name
    try checkKeys(
      parameters, allowed: info.parameters.map(\.name) + hostKeys, where: "\(location) (\(name))")
    for parameter in info.parameters {
      guard let value = parameters[parameter.name] else {
        if parameter.defaultJSON == nil {
          throw RewardError.configuration(
            "\(location): \(subject) needs parameter '\(parameter.name)' "
              + "(\(parameter.kind.rawValue)): \(parameter.description)")
        }
        continue
      }
      if value.isNull && parameter.defaultJSON == "null" { continue }
      try check(value, is: parameter.kind, key: "\(location).\(parameter.name)")
    }
    return info
  }

  /// Chemeleon2 names a model by its loader, `{_target_: ...load_from_checkpoint,
  /// checkpoint_path: PATH, map_location: cpu}`; a parameter given that way is its PATH.
  static func seedForm(_ value: ConfigValue) -> ConfigValue {
    guard let map = value.mapValue, let path = map["checkpoint_path"], path.stringValue != nil,
      Set(map.keys).isSubset(of: ["_target_", "checkpoint_path", "map_location"])
    else { return value }
    return path
  }

  func check(_ value: ConfigValue, is kind: PluginParameter.Kind, key: String) throws {
    let ok: Bool
    switch kind {
    case .number: ok = value.doubleValue?.isFinite ?? false
    case .integer: ok = value.intValue != nil
    case .bool: ok = value.boolValue != nil
    case .string: ok = value.stringValue != nil
    case .object: ok = value.mapValue != nil
    case .unknown: ok = true
    }
    guard ok else {
      throw RewardError.configuration("\(key) must be a \(kind.rawValue), got \(value.json)")
    }
  }

  func checkKeys(_ map: [String: ConfigValue], allowed: [String], where location: String)
    throws
  {
    let unknown = map.keys.filter { !allowed.contains($0) }
    guard unknown.isEmpty else {
      throw RewardError.configuration(
        "\(location): unknown key(s) \(unknown.sorted().joined(separator: ", ")); valid: "
          + allowed.joined(separator: ", "))
    }
  }

  func normalization(_ value: ConfigValue?) throws -> Normalization? {
    guard let value, !value.isNull else { return nil }
    guard let name = value.stringValue else {
      throw RewardError.configuration("normalize_fn must be a name or null, got \(value.json)")
    }
    return try Normalization.parse(name)
  }

  func number(_ value: ConfigValue?, default fallback: Double, key: String) throws -> Double {
    guard let value else { return fallback }
    guard let number = value.doubleValue, number.isFinite else {
      throw RewardError.configuration("\(key) must be a finite number, got \(value.json)")
    }
    return number
  }
}
