/// A reward component: computes one raw reward per structure of a batch. Implemented by the
/// built-in Swift components and by the adapter around plugin components.
public protocol RewardComponent: AnyObject {
  /// Display name (the plugin's component name or the built-in's class name).
  var name: String { get }
  /// Metrics the pipeline must compute before calling `compute` (may be empty).
  var requiredMetrics: [String] { get }
  /// Raw rewards, one per structure of `batch`. `metrics` holds at least `requiredMetrics`.
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double]
}

/// A component as the pipeline uses it: raw reward → optional normalization → × weight.
public struct WeightedComponent {
  public let component: RewardComponent
  public let weight: Double
  public let normalization: Normalization?
  public let eps: Double

  public init(
    _ component: RewardComponent, weight: Double = 1, normalization: Normalization? = nil,
    eps: Double = 1e-4
  ) {
    self.component = component
    self.weight = weight
    self.normalization = normalization
    self.eps = eps
  }
}
