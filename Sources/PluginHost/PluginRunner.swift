import RewardPipeline

/// A created plugin instance (component or provider) the host feeds batches, in this process
/// (`PluginInstance`) or in a worker process (`IsolatedPluginInstance`).
protocol PluginRunner: AnyObject {
  /// The component or provider it runs, as its plugin describes it.
  var info: any PluginComputationInfo { get }
  /// The validated values (`info.width` per structure) for `batch`, given the columns of
  /// `info.requiredMetrics` in order (for a component with CRL_COMPONENT_METRICS_FROM_CONFIG,
  /// of its configured `required_metrics`).
  func run(_ batch: StructureBatch, metrics: [MetricColumn]) throws -> [Double]
}
