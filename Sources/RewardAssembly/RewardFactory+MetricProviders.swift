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

  /// The providers of `reward_fn.metrics`; two providing the same metric are an error.
  mutating func configuredMetrics(_ value: ConfigValue?) throws -> [ConfiguredMetric] {
    guard let value, !value.isNull else { return [] }
    guard let entries = value.listValue else {
      throw RewardError.configuration("reward_fn.metrics must be a list, got \(value.json)")
    }
    var configured: [ConfiguredMetric] = []
    for (index, entry) in entries.enumerated() {
      let location = "reward_fn.metrics.\(index)"
      let metric = try makeMetric(entry, where: location)
      if let other = configured.firstIndex(where: { $0.provider.name == metric.provider.name }) {
        throw RewardError.configuration(
          "\(location): metric '\(metric.provider.name)' is already provided by "
            + "reward_fn.metrics.\(other)")
      }
      configured.append(metric)
    }
    return configured
  }

  mutating func makeMetric(_ entry: ConfigValue, where location: String) throws
    -> ConfiguredMetric
  {
    guard let map = entry.mapValue else {
      throw RewardError.configuration("\(location) must be a map, got \(entry.json)")
    }
    guard let plugin = map["plugin"]?.stringValue, let name = map["provider"]?.stringValue else {
      throw RewardError.configuration(
        "\(location) needs `plugin: PATH_OR_NAME` and `provider: NAME` (a metric provider the "
          + "plugin exports; `crystalrl plugin inspect` lists them)")
    }
    let parameters = map.filter { !Self.metricKeys.contains($0.key) }
    return try pluginMetric(
      try locator.locate(plugin), name, parameters, isolation(map, location), location)
  }

  mutating func pluginMetric(
    _ path: String, _ name: String, _ parameters: [String: ConfigValue], _ isolation: Isolation,
    _ location: String
  ) throws -> ConfiguredMetric {
    try checkParameters(
      path, .provider(name), parameters, isolation, location, hostKeys: Self.metricKeys)
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
