import CrystalCore

/// Computes one named metric for a batch. The pipeline runs each required provider once per
/// batch, after the metrics it requires in turn, and hands the column to every component (and
/// provider) that asked for it.
public protocol MetricProvider: AnyObject {
  /// The metric's name as components request it (e.g. "density").
  var name: String { get }
  /// Metrics this provider needs (computed before it); none by default.
  var requiredMetrics: [String] { get }
  /// Computes the column for `batch`; must return exactly one row per structure. `metrics`
  /// holds at least `requiredMetrics`.
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn
}

extension MetricProvider {
  public var requiredMetrics: [String] { [] }
}

/// A provider computing one scalar per structure with a closure.
public final class ScalarMetric: MetricProvider {
  public let name: String
  private let body: (Structure) -> Double

  public init(name: String, _ body: @escaping (Structure) -> Double) {
    self.name = name
    self.body = body
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    MetricColumn(name: name, values: batch.structures.map(body))
  }
}
