/// The metric providers a pipeline can draw on, by name, and the order they run in.
public struct MetricRegistry: Sendable {
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

  /// The provider registered for metric `name`, if any.
  public func provider(_ name: String) -> MetricProvider? { providers[name] }

  /// Names of every registered metric, sorted.
  public var names: [String] { providers.keys.sorted() }

  /// `names` and every metric they require in turn, each after what it requires. A metric no
  /// provider computes, or a cycle among providers, is a configuration error that names it.
  public func order(_ names: [String]) throws -> [String] {
    var ordered: [String] = []
    var done = Set<String>()
    func visit(_ name: String, path: [String]) throws {
      guard !done.contains(name) else { return }
      if let start = path.firstIndex(of: name) {
        throw RewardError.configuration(
          "metrics depend on each other in a cycle: "
            + (path[start...] + [name]).joined(separator: " → "))
      }
      guard let provider = providers[name] else {
        let wanted = path.last.map { "metric '\($0)' requires" } ?? "the reward requires"
        throw RewardError.configuration(
          "\(wanted) metric '\(name)', which nothing provides; known metrics: "
            + self.names.joined(separator: ", ")
            + " (add a plugin's provider under reward_fn.metrics)")
      }
      for required in provider.requiredMetrics { try visit(required, path: path + [name]) }
      done.insert(name)
      ordered.append(name)
    }
    for name in names { try visit(name, path: []) }
    return ordered
  }

  /// Of `names` and what they require, those that can be computed on parts of a batch: the
  /// per-structure metrics (`MetricProvider.isPerStructure`) whose requirements are all
  /// per-structure too, in dependency order.
  public func perStructure(_ names: [String]) throws -> [String] {
    var found: [String] = []
    for name in try order(names) {
      let provider = providers[name]!
      if provider.isPerStructure, provider.requiredMetrics.allSatisfy(found.contains) {
        found.append(name)
      }
    }
    return found
  }

  /// Computes each of `names`, and what they require, once for `batch`, in dependency order.
  /// Columns in `known` (computed earlier for this batch) are taken as they are.
  public func compute(_ names: [String], for batch: StructureBatch, known: MetricTable = [:])
    throws -> MetricTable
  {
    var table: MetricTable = [:]
    for name in try order(names) {
      let column = try known[name] ?? providers[name]!.compute(batch, metrics: table)
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
