import RewardPipeline

/// A plugin component as a `RewardComponent`, run in this process: one plugin instance,
/// created from its JSON config, fed batches without copies, destroyed when this object goes
/// away.
public final class PluginComponent: RewardComponent {
  public let info: PluginComponentInfo
  public var name: String { info.name }
  /// The metrics the component receives, in order: its descriptor's, or the configured ones
  /// (see `PluginComponentInfo.requiredMetrics(configured:)`).
  public let requiredMetrics: [String]
  public var outputMayBeNaN: Bool { info.outputMayBeNaN }
  private let instance: PluginInstance

  /// Creates an instance of component `name` of `library` with `configJSON` (a JSON object of
  /// the component's own parameters). `requiredMetrics` is the `required_metrics` of its config
  /// entry, only for a component with CRL_COMPONENT_METRICS_FROM_CONFIG.
  public init(
    library: PluginLibrary, name: String, configJSON: String = "{}",
    requiredMetrics: [String]? = nil
  ) throws {
    info = try library.component(named: name)
    self.requiredMetrics = try info.requiredMetrics(configured: requiredMetrics)
    instance = try PluginInstance(library: library, subject: info.subject, configJSON: configJSON)
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    try instance.run(batch, metrics: requiredMetrics.map { metrics[$0]! })
  }
}
