import CrystalCore

/// Computes one named metric for a batch. The pipeline runs each required provider once per
/// batch and hands the column to every component that asked for it.
public protocol MetricProvider: AnyObject {
  /// The metric's name as components request it (e.g. "density").
  var name: String { get }
  /// Computes the column for `batch`; must return exactly one row per structure.
  func compute(_ batch: StructureBatch) throws -> MetricColumn
}

/// A provider computing one scalar per structure with a closure.
public final class ScalarMetric: MetricProvider {
  public let name: String
  private let body: (Structure) -> Double

  public init(name: String, _ body: @escaping (Structure) -> Double) {
    self.name = name
    self.body = body
  }

  public func compute(_ batch: StructureBatch) throws -> MetricColumn {
    MetricColumn(name: name, values: batch.structures.map(body))
  }
}

/// The metric providers a pipeline can draw on, by name.
public struct MetricRegistry {
  private var providers: [String: MetricProvider] = [:]

  public init(_ providers: [MetricProvider] = []) {
    for provider in providers { register(provider) }
  }

  /// The registry of metrics every host has: num_atoms, volume (Å³), density (atoms/Å³).
  public static var standard: MetricRegistry {
    MetricRegistry([
      ScalarMetric(name: "num_atoms") { Double($0.count) },
      ScalarMetric(name: "volume") { $0.volume },
      ScalarMetric(name: "density") { $0.atomicDensity },
    ])
  }

  /// Adds or replaces a provider.
  public mutating func register(_ provider: MetricProvider) { providers[provider.name] = provider }

  /// Names of every registered metric, sorted.
  public var names: [String] { providers.keys.sorted() }

  /// Computes each of `names` once for `batch`.
  public func compute(_ names: [String], for batch: StructureBatch) throws -> MetricTable {
    var table: MetricTable = [:]
    for name in names where table[name] == nil {
      guard let provider = providers[name] else {
        throw RewardError.metric(
          name: name, message: "no provider; known metrics: \(self.names.joined(separator: ", "))")
      }
      let column = try provider.compute(batch)
      guard column.count == batch.count else {
        throw RewardError.metric(
          name: name,
          message: "provider returned \(column.count) rows for \(batch.count) structures")
      }
      table[name] = column
    }
    return table
  }
}
