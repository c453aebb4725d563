import RewardPipeline

/// A plugin component as a `RewardComponent`, run in this process: one plugin instance,
/// created from its JSON config, fed batches without copies, destroyed when this object goes
/// away.
public final class PluginComponent: RewardComponent {
  public let info: PluginComponentInfo
  public var name: String { info.name }
  public var requiredMetrics: [String] { info.requiredMetrics }
  public var outputMayBeNaN: Bool { info.outputMayBeNaN }
  private let instance: PluginInstance

  /// Creates an instance of component `name` of `library` with `configJSON` (a JSON object of
  /// the component's own parameters).
  public init(library: PluginLibrary, name: String, configJSON: String = "{}") throws {
    info = try library.component(named: name)
    instance = try PluginInstance(library: library, subject: info.subject, configJSON: configJSON)
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    try instance.run(batch, metrics: requiredMetrics.map { metrics[$0]! })
  }
}
