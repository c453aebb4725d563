/// A reward component: computes one raw reward per structure of a batch. Implemented by the
/// built-in Swift components and by the adapter around plugin components.
public protocol RewardComponent: AnyObject {
  /// Display name (the plugin's component name or the built-in's class name).
  var name: String { get }
  /// Metrics the pipeline must compute before calling `compute` (may be empty).
  var requiredMetrics: [String] { get }
  /// Whether a NaN reward is meaningful ("no opinion on this structure"): a structure whose
  /// total is NaN only because of such components abstains instead of failing the batch.
  var outputMayBeNaN: Bool { get }
  /// Raw rewards, one per structure of `batch`. `metrics` holds at least `requiredMetrics`.
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double]
}

extension RewardComponent {
  public var outputMayBeNaN: Bool { false }
}

/// What the pipeline does when a component fails on a batch (config key `on_error`).
public enum OnErrorPolicy: String, CaseIterable, Sendable {
  /// The error propagates as it is (it names the component): the command stops.
  case fail
  /// The pipeline throws `RewardError.componentSkipped`, which a trainer catches to skip the
  /// step without an update.
  case skip
  /// The component's rewards for the batch become NaN; the structures whose total is NaN
  /// abstain (see `RewardReport.abstained`).
  case nan

  /// Parses a config value; unknown names throw, listing the valid ones.
  public static func parse(_ name: String) throws -> OnErrorPolicy {
    guard let policy = OnErrorPolicy(rawValue: name) else {
      throw RewardError.configuration(
        "unknown on_error '\(name)'; valid: \(allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return policy
  }
}

/// A component as the pipeline uses it: raw reward → optional normalization → × weight, and
/// what a failure of the component means.
public struct WeightedComponent {
  public let component: RewardComponent
  public let weight: Double
  public let normalization: Normalization?
  public let eps: Double
  public let onError: OnErrorPolicy

  public init(
    _ component: RewardComponent, weight: Double = 1, normalization: Normalization? = nil,
    eps: Double = 1e-4, onError: OnErrorPolicy = .fail
  ) {
    self.component = component
    self.weight = weight
    self.normalization = normalization
    self.eps = eps
    self.onError = onError
  }
}
