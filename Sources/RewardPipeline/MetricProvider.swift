import CrystalCore

/// Computes one named metric for a batch. The pipeline runs each required provider once per
/// batch, after the metrics it requires in turn, and hands the column to every component (and
/// provider) that asked for it. Providers are `Sendable`: per-structure metrics run on a
/// background thread (`IncrementalScoring`).
public protocol MetricProvider: AnyObject, Sendable {
  /// The metric's name as components request it (e.g. "density").
  var name: String { get }
  /// Metrics this provider needs (computed before it); none by default.
  var requiredMetrics: [String] { get }
  /// Whether each row depends only on its own structure, never on the rest of the batch, so
  /// the column of a batch is its parts' columns one after the other (false by default). Such
  /// metrics (energies, e_above_hull) may be computed ahead, part by part, on a background
  /// thread while the caller does other work (`IncrementalScoring`); never on two threads at
  /// once.
  var isPerStructure: Bool { get }
  /// Computes the column for `batch`; must return exactly one row per structure. `metrics`
  /// holds at least `requiredMetrics`.
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn
}

extension MetricProvider {
  public var requiredMetrics: [String] { [] }
  public var isPerStructure: Bool { false }
}

/// A provider computing one scalar per structure with a closure.
public final class ScalarMetric: MetricProvider {
  public let name: String
  public var isPerStructure: Bool { true }
  private let body: @Sendable (Structure) -> Double

  public init(name: String, _ body: @escaping @Sendable (Structure) -> Double) {
    self.name = name
    self.body = body
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    MetricColumn(name: name, values: batch.structures.map(body))
  }
}
