import CrystalConfig
import Foundation
import LocalCache
import PluginHost
import RewardAssembly
import RewardPipeline

/// What `GET /v1/pipeline` tells a caller about what it is scored by: the composed reward
/// config and its hash, the components, the metrics, every plugin (file, version, ABI version
/// and isolation), the energy calculator and the hull's references, and the server's limits.
public struct PipelineDescription: Encodable, Sendable {
  /// One weighted component.
  public struct Component: Encodable, Sendable {
    let label: String
    let name: String
    let weight: Double
    let normalizeFn: String?
    let onError: String
    let requiredMetrics: [String]
    /// `builtin`, `in_process` or `process`.
    let isolation: String

    enum CodingKeys: String, CodingKey {
      case label, name, weight
      case normalizeFn = "normalize_fn"
      case onError = "on_error"
      case requiredMetrics = "required_metrics"
      case isolation
    }
  }

  /// One plugin library the pipeline uses.
  public struct Plugin: Encodable, Sendable {
    let path: String
    let name: String
    let version: String
    let abiVersion: String
    let isolation: String
    let components: [String]
    let providers: [String]

    enum CodingKeys: String, CodingKey {
      case path, name, version
      case abiVersion = "abi_version"
      case isolation, components, providers
    }
  }

  /// What energies above the hull are measured against.
  public struct Hull: Encodable, Sendable {
    let referenceDataset: String?
    let hullReferences: [String]

    enum CodingKeys: String, CodingKey {
      case referenceDataset = "reference_dataset"
      case hullReferences = "hull_references"
    }
  }

  /// The hash of the composed reward config (16 hex digits of its FNV-1a key): replies carry
  /// it, so a caller can tell which pipeline scored them.
  public let pipeline: String
  let config: EncodableConfig
  let components: [Component]
  let metrics: [String]
  let plugins: [Plugin]
  let energyCalculator: String?
  let hull: Hull
  var limits: ServiceLimits

  /// Describes `pipeline`, built from `config` (the composed `reward_fn`) with `plugins`
  /// (those its factory loaded).
  public init(
    config: ConfigValue, pipeline: ReinforceReward, plugins: [RewardFactory.LoadedPlugin],
    limits: ServiceLimits
  ) {
    self.pipeline = String(format: "%016llx", stableKey(config.json))
    self.config = EncodableConfig(value: config)
    let labels = RewardReport.labels(of: pipeline.components.map(\.component.name))
    components = zip(labels, pipeline.components).map { label, entry in
      let plugin = entry.component as? PluginComponent
      return Component(
        label: label, name: entry.component.name, weight: entry.weight,
        normalizeFn: entry.normalization?.rawValue, onError: entry.onError.rawValue,
        requiredMetrics: entry.component.requiredMetrics,
        isolation: plugin == nil ? "builtin" : plugin?.limits == nil ? "in_process" : "process")
    }
    metrics = (try? pipeline.metricRegistry.order(pipeline.requiredMetrics)) ?? []
    self.plugins = plugins.map { loaded in
      Plugin(
        path: loaded.info.path, name: loaded.info.name, version: loaded.info.version,
        abiVersion: "\(loaded.info.abiVersion)",
        isolation: loaded.isolated ? "process" : "in_process",
        components: loaded.info.components.map(\.name), providers: loaded.info.providers.map(\.name)
      )
    }
    let settings = config.mapValue ?? [:]
    energyCalculator =
      metrics.contains("e_above_hull")
      ? settings["energy_calculator"]?.stringValue ?? "chgnet" : nil
    let references: [String] =
      switch settings["hull_references"] {
      case .list(let items)?: items.map { $0.stringValue ?? $0.json }
      case .string(let item)? where item != "none": [item]
      default: []
      }
    hull = Hull(
      referenceDataset: settings["reference_dataset"]?.stringValue, hullReferences: references)
    self.limits = limits
  }

  enum CodingKeys: String, CodingKey {
    case pipeline, config, components, metrics, plugins
    case energyCalculator = "energy_calculator"
    case hull, limits
  }
}

/// A configuration value written as JSON.
struct EncodableConfig: Encodable, Sendable {
  let value: ConfigValue

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch value {
    case .null: try container.encodeNil()
    case .bool(let bool): try container.encode(bool)
    case .int(let int): try container.encode(int)
    case .double(let double):
      if double.isFinite { try container.encode(double) } else { try container.encodeNil() }
    case .string(let string): try container.encode(string)
    case .list(let list): try container.encode(list.map(EncodableConfig.init))
    case .map(let map): try container.encode(map.mapValues(EncodableConfig.init))
    }
  }
}
