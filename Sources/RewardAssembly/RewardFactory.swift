import CrystalConfig
import CrystalModels
import DNGMetricProviders
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
/// let pipeline = try factory.makePipeline(try config.node("rl_module.reward_fn"))
/// let report = try pipeline.score(structures)
/// ```
public struct RewardFactory {
  /// Keys the pipeline itself reads from `reward_fn`.
  static let pipelineKeys = [
    "_target_", "normalize_fn", "eps", "reference_dataset", "energy_calculator",
    "energy_calculator_kwargs", "energy_python", "energy_workers", "hull_references",
    "components", "metrics",
  ]
  /// Keys the pipeline reads from each component entry; all others are parameters.
  static let componentKeys = [
    "_target_", "plugin", "component", "weight", "normalize_fn", "eps", "isolation", "timeout",
    "memory_limit_mb", "on_error", "required_metrics",
  ]
  /// Keys the pipeline reads from each `metrics` entry; all others are parameters.
  static let metricKeys = ["plugin", "provider", "isolation", "timeout", "memory_limit_mb"]
  static let pipelineTargets = ["src.rl_module.reward.ReinforceReward", "ReinforceReward"]

  /// Where a `_target_` alias points. A built-in reads its parameters from its entry. A plugin
  /// target's `libraries` are parameters naming a shared library: a name found on the plugin
  /// search path is passed as its path.
  enum Target: Sendable {
    case builtin(parameters: [String], make: @Sendable (ConfigNode) throws -> RewardComponent)
    case plugin(name: String, component: String, libraries: [String] = [])
  }

  /// `_target_` names understood, by full class path and by short name.
  static let targets: [String: Target] = {
    let customReward = Target.builtin(parameters: ["target_density"]) { entry in
      try entry["target_density"].optional { AtomicDensityReward(targetDensity: try $0.double()) }
        ?? AtomicDensityReward()
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
  let references = ReferencePool()
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

  /// A plugin library the factory has used, and whether it runs in worker processes.
  public struct LoadedPlugin: Sendable {
    public let info: PluginInfo
    public let isolated: Bool
  }

  /// Every plugin the pipelines built so far use, in-process ones first, by path.
  public var loadedPlugins: [LoadedPlugin] {
    libraries.keys.sorted().map { LoadedPlugin(info: libraries[$0]!.info, isolated: false) }
      + describedPlugins.keys.sorted().map {
        LoadedPlugin(info: describedPlugins[$0]!, isolated: true)
      }
  }

  /// Builds the pipeline described by `config`, a `reward_fn` node parsed on its own (its
  /// errors name `reward_fn.KEY`).
  public mutating func makePipeline(_ config: ConfigValue) throws -> ReinforceReward {
    try makePipeline(ConfigNode(config, path: "reward_fn"))
  }

  /// Builds the pipeline described by `config` (the resolved `rl_module.reward_fn` node); a
  /// configuration mistake is a `ConfigError` naming its key.
  public mutating func makePipeline(_ config: ConfigNode) throws -> ReinforceReward {
    try config.checkKeys(allowed: Self.pipelineKeys)
    let target = config["_target_"]
    if let name = try target.optional({ try $0.string() }), !Self.pipelineTargets.contains(name) {
      throw target.error(
        "'\(name)' is not a pipeline; valid: " + Self.pipelineTargets.joined(separator: ", "))
    }
    let entries = try config["components"].list()
    guard !entries.isEmpty else { throw config["components"].error("must be a non-empty list") }
    let components = try entries.map { try makeComponent($0) }
    let configured = try configuredMetrics(config["metrics"])
    let required = components.flatMap(\.component.requiredMetrics)
    let needed = Self.closure(of: required, over: configured.map(\.provider))
    // Every energy setting is checked, even when no component needs energies.
    let calculatorSpec = try EnergyCalculatorSpec(settingsIn: config)
    let workers = try Self.energyWorkers(of: config)
    let hullReferences = try HullReferences(config["hull_references"])
    let calculator =
      needed.contains("e_above_hull")
      ? try energyCalculator(calculatorSpec, workers: workers, configured) : nil
    var registry = metrics
    for provider in ValidityMetrics.providers where !registry.names.contains(provider.name) {
      registry.register(provider)
    }
    try dngMetrics(energyCalculator: calculator).register(
      needed.subtracting(configured.map(\.provider.name)),
      referenceDataset: config["reference_dataset"], hullReferences: hullReferences,
      into: &registry)
    for metric in configured { registry.register(metric.provider) }
    _ = try registry.order(required)
    return ReinforceReward(
      components: components, normalization: try normalization(config["normalize_fn"]),
      eps: try config["eps"].optional { try $0.double() } ?? 1e-4, metrics: registry)
  }

  private mutating func makeComponent(_ entry: ConfigNode) throws -> WeightedComponent {
    let keys = try entry.keys()
    var parameters: [String: ConfigValue] = [:]
    for key in keys where !Self.componentKeys.contains(key) {
      parameters[key] = Self.checkpointPathOfLoader(entry[key].value!)
    }
    let metrics = try configuredMetricNames(entry["required_metrics"])
    let component: RewardComponent
    if let plugin = try entry["plugin"].optional({ try $0.string() }) {
      guard let name = try entry["component"].optional({ try $0.string() }) else {
        throw entry.refusal("`plugin` needs `component: NAME` too")
      }
      component = try pluginComponent(
        plugin, name, parameters, isolation(entry), entry, requiredMetrics: metrics)
    } else if let targetName = try entry["_target_"].optional({ try $0.string() }) {
      switch Self.targets[targetName] {
      case .builtin(let allowed, let make)?:
        try entry.checkKeys(allowed: allowed + Self.componentKeys, subject: targetName)
        let component = try make(entry)
        if metrics != nil {
          throw entry["required_metrics"].refusal(
            PluginComponentInfo.fixedMetricsMessage(component.requiredMetrics),
            subject: targetName)
        }
        return try weighted(component, entry)
      case .plugin(let plugin, let name, let libraries)?:
        var parameters = parameters
        for key in libraries {
          guard let library = parameters[key]?.stringValue,
            let path = try? locator.locate(library)
          else { continue }
          parameters[key] = .string(URL(fileURLWithPath: path).path)
        }
        component = try pluginComponent(
          plugin, name, parameters, isolation(entry), entry, requiredMetrics: metrics)
      case nil:
        let known = Self.targets.keys.filter { $0.hasPrefix("src.") }.sorted()
        throw entry["_target_"].refusal(
          "unknown _target_ '\(targetName)'; valid: \(known.joined(separator: ", ")) "
            + "(or give `plugin: PATH_OR_NAME` and `component: NAME`)")
      }
    } else {
      throw entry.error("names no component: give `_target_` or `plugin` + `component`")
    }
    return try weighted(component, entry)
  }

  /// `component` with the weight, normalization, eps and error policy of its `entry`.
  private func weighted(_ component: RewardComponent, _ entry: ConfigNode) throws
    -> WeightedComponent
  {
    WeightedComponent(
      component, weight: try entry["weight"].optional { try $0.double() } ?? 1,
      normalization: try normalization(entry["normalize_fn"]),
      eps: try entry["eps"].optional { try $0.double() } ?? 1e-4,
      onError: try entry["on_error"].optional { try parsed($0, OnErrorPolicy.parse) } ?? .fail)
  }

  /// How a plugin component runs: in the host process, or in its own worker process with a
  /// per-batch timeout and an optional memory limit (`isolation: process`, `timeout: SECONDS`,
  /// default 60, `memory_limit_mb: MB`).
  enum Isolation {
    case inProcess
    case process(WorkerLimits)
  }

  /// The isolation keys of a component or metric `entry`.
  func isolation(_ entry: ConfigNode) throws -> Isolation {
    let timeout = try entry["timeout"].optional { try $0.double() } ?? 60
    let isolation = entry["isolation"]
    switch try isolation.optional({ try $0.string() }) ?? "in_process" {
    case "in_process":
      for key in ["timeout", "memory_limit_mb"] where entry[key].exists {
        throw entry[key].error("needs isolation: process")
      }
      return .inProcess
    case "process":
      guard timeout > 0 else { throw entry["timeout"].error("must be positive") }
      let memory = try entry["memory_limit_mb"].optional { try $0.positiveInt() }
      return .process(WorkerLimits(timeout: timeout, memoryLimitMB: memory))
    case let other:
      throw isolation.error("must be in_process or process, got '\(other)'")
    }
  }

  /// A component entry's `required_metrics`: nil when absent, else a list of distinct metric
  /// names.
  private func configuredMetricNames(_ node: ConfigNode) throws -> [String]? {
    try node.optional { node in
      guard node.value?.listValue != nil else {
        throw node.error("must be a list of metric names, got \(node.value!.json)")
      }
      let names = try node.list().map { entry in
        guard let name = entry.value?.stringValue, !name.isEmpty else {
          throw node.error("must be a list of metric names, got \(entry.value!.json) in it")
        }
        return name
      }
      var seen = Set<String>()
      if let repeated = names.first(where: { !seen.insert($0).inserted }) {
        throw node.error("names metric '\(repeated)' twice")
      }
      return names
    }
  }

  /// Component `name` of `plugin`, with `requiredMetrics` (its entry's `required_metrics`,
  /// only for a component declaring CRL_COMPONENT_METRICS_FROM_CONFIG).
  private mutating func pluginComponent(
    _ plugin: String, _ name: String, _ parameters: [String: ConfigValue],
    _ isolation: Isolation, _ entry: ConfigNode, requiredMetrics: [String]?
  ) throws -> RewardComponent {
    let path = try locator.locate(plugin)
    let info = try checkParameters(
      path, .component(name), parameters, isolation, entry, hostKeys: Self.componentKeys)
    if requiredMetrics != nil, let info = info as? PluginComponentInfo, !info.metricsFromConfig {
      throw entry["required_metrics"].refusal(
        PluginComponentInfo.fixedMetricsMessage(info.requiredMetrics), subject: name)
    }
    let configJSON = ConfigValue.map(parameters).json
    switch isolation {
    case .inProcess:
      return try PluginComponent(
        library: libraries[path]!, name: name, configJSON: configJSON,
        requiredMetrics: requiredMetrics)
    case .process(let limits):
      return try PluginComponent(
        path: path, name: name, configJSON: configJSON, limits: limits,
        requiredMetrics: requiredMetrics)
    }
  }

  /// Looks up the component or provider `subject` names in the plugin at `path` (loading the
  /// library into `libraries` in-process; under isolation a worker describes it, nothing of it
  /// runs here) and checks `parameters` (of `entry`) against the parameters it declares;
  /// returns what the plugin says about it.
  @discardableResult
  mutating func checkParameters(
    _ path: String, _ subject: PluginSubject, _ parameters: [String: ConfigValue],
    _ isolation: Isolation, _ entry: ConfigNode, hostKeys: [String]
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
    try entry.checkKeys(
      allowed: info.parameters.map(\.name) + hostKeys, subject: subject.name,
      among: Array(parameters.keys))
    for parameter in info.parameters {
      guard let value = parameters[parameter.name] else {
        if parameter.defaultJSON == nil {
          throw entry[parameter.name].error(
            "is missing: \(subject) needs parameter '\(parameter.name)' "
              + "(\(parameter.kind.rawValue)): \(parameter.description)")
        }
        continue
      }
      if value.isNull && parameter.defaultJSON == "null" { continue }
      guard Self.value(value, is: parameter.kind) else {
        throw entry[parameter.name].error("must be a \(parameter.kind.rawValue), got \(value.json)")
      }
    }
    return info
  }

  /// Chemeleon2 names a model by its loader, `{_target_: ...load_from_checkpoint,
  /// checkpoint_path: PATH, map_location: cpu}`; a parameter given that way is its PATH, any
  /// other value stays as it is.
  static func checkpointPathOfLoader(_ value: ConfigValue) -> ConfigValue {
    guard let map = value.mapValue, let path = map["checkpoint_path"], path.stringValue != nil,
      Set(map.keys).isSubset(of: ["_target_", "checkpoint_path", "map_location"])
    else { return value }
    return path
  }

  /// Whether `value` is of the plugin parameter type `kind`.
  static func value(_ value: ConfigValue, is kind: PluginParameter.Kind) -> Bool {
    switch kind {
    case .number: return value.doubleValue?.isFinite ?? false
    case .integer: return value.intValue != nil
    case .bool: return value.boolValue != nil
    case .string: return value.stringValue != nil
    case .object: return value.mapValue != nil
    case .unknown: return true
    }
  }

  /// A `normalize_fn` setting: a name, or null (or absent) for none.
  func normalization(_ node: ConfigNode) throws -> Normalization? {
    guard !node.isNull else { return nil }
    return try parsed(node, Normalization.parse)
  }

  /// The string at `node` parsed by `parse`, whose configuration error gets the key's path.
  func parsed<T>(_ node: ConfigNode, _ parse: (String) throws -> T) throws -> T {
    let text = try node.string()
    do {
      return try parse(text)
    } catch RewardError.configuration(let message) {
      throw node.refusal(message)
    }
  }
}
