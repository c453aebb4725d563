import CrystalConfig
import Foundation
import PluginHost
import RewardPipeline

/// `reward_fn.metrics`: metric providers from plugins (ABI 1.1), in-process or isolated, and
/// the metrics they need in turn.
extension RewardFactory {
  /// `names` and every metric the configured providers among them require, transitively.
  static func closure(of names: [String], over providers: [PluginMetricProvider]) -> Set<
    String
  > {
    let requirements = Dictionary(
      providers.map { ($0.name, $0.requiredMetrics) }, uniquingKeysWith: { first, _ in first })
    var closure = Set<String>()
    var pending = names
    while let name = pending.popLast() {
      guard closure.insert(name).inserted else { continue }
      pending += requirements[name] ?? []
    }
    return closure
  }

  /// A plugin metric provider from `reward_fn.metrics`, with the file it came from and the
  /// parameters it was created with (its identity, for caches).
  struct ConfiguredMetric {
    let provider: PluginMetricProvider
    let path: String
    let parameters: ConfigValue
  }

  /// The providers of `reward_fn.metrics` (`node`); two providing the same metric are an
  /// error.
  mutating func configuredMetrics(_ node: ConfigNode) throws -> [ConfiguredMetric] {
    guard !node.isNull else { return [] }
    var configured: [ConfiguredMetric] = []
    for entry in try node.list() {
      let metric = try makeMetric(entry)
      if let other = configured.firstIndex(where: { $0.provider.name == metric.provider.name }) {
        throw entry.refusal(
          "metric '\(metric.provider.name)' is already provided by \(node[other].path)")
      }
      configured.append(metric)
    }
    return configured
  }

  mutating func makeMetric(_ entry: ConfigNode) throws -> ConfiguredMetric {
    let keys = try entry.keys()
    guard let plugin = try entry["plugin"].optional({ try $0.string() }),
      let name = try entry["provider"].optional({ try $0.string() })
    else {
      throw entry.error(
        "needs `plugin: PATH_OR_NAME` and `provider: NAME` (a metric provider the "
          + "plugin exports; `crystalrl plugin inspect` lists them)")
    }
    var parameters: [String: ConfigValue] = [:]
    for key in keys where !Self.metricKeys.contains(key) {
      parameters[key] = entry[key].value!
    }
    return try pluginMetric(try locator.locate(plugin), name, parameters, isolation(entry), entry)
  }

  /// Provider `name` of the plugin at `path` with `parameters`, the ones of `entry` (or of the
  /// setting that asked for it).
  mutating func pluginMetric(
    _ path: String, _ name: String, _ parameters: [String: ConfigValue], _ isolation: Isolation,
    _ entry: ConfigNode
  ) throws -> ConfiguredMetric {
    try checkParameters(
      path, .provider(name), parameters, isolation, entry, hostKeys: Self.metricKeys)
    let configJSON = ConfigValue.map(parameters).json
    let provider: PluginMetricProvider
    switch isolation {
    case .inProcess:
      provider = try PluginMetricProvider(
        library: libraries[path]!, name: name, configJSON: configJSON)
    case .process(let limits):
      provider = try PluginMetricProvider(
        path: path, name: name, configJSON: configJSON, limits: limits)
    }
    return ConfiguredMetric(provider: provider, path: path, parameters: .map(parameters))
  }
}
