import CrystalCore

/// The reward pipeline of Chemeleon2's `ReinforceReward`: each component's raw reward is
/// normalized (optionally) and weighted, the weighted rewards are summed, NaN totals are
/// rejected, and `normalize` exposes the global normalization the trainer applies.
public final class ReinforceReward {
  public let components: [WeightedComponent]
  /// Global normalization (`normalize_fn`) applied by the trainer to totals.
  public let normalization: Normalization?
  public let eps: Double
  public let metricRegistry: MetricRegistry

  public init(
    components: [WeightedComponent], normalization: Normalization? = nil, eps: Double = 1e-4,
    metrics: MetricRegistry = .standard
  ) {
    self.components = components
    self.normalization = normalization
    self.eps = eps
    self.metricRegistry = metrics
  }

  /// Every metric some component requires, in first-requested order, without duplicates.
  public var requiredMetrics: [String] {
    var seen = Set<String>()
    return components.flatMap(\.component.requiredMetrics).filter { seen.insert($0).inserted }
  }

  /// Scores `structures`: computes each required metric once, then every component.
  public func score(_ structures: [Structure]) throws -> RewardReport {
    try score(StructureBatch(structures))
  }

  /// Scores a prepared batch. A component that throws is handled by its `onError` policy;
  /// a structure whose total is NaN abstains when every component that made it NaN failed
  /// under `on_error: nan` or declares NaN meaningful, and is an error otherwise. Metrics in
  /// `precomputed` (columns of this batch computed ahead, see `IncrementalScoring`) are used
  /// as they are.
  public func score(_ batch: StructureBatch, precomputed: MetricTable = [:]) throws
    -> RewardReport
  {
    let metrics = try metricRegistry.compute(requiredMetrics, for: batch, known: precomputed)
    var scores: [RewardReport.ComponentScores] = []
    var failures: [RewardReport.Failure] = []
    var total = Array(repeating: 0.0, count: batch.count)
    for entry in components {
      let name = entry.component.name
      var raw: [Double]
      do {
        raw = try entry.component.compute(batch, metrics: metrics)
        guard raw.count == batch.count else {
          throw RewardError.component(
            name: name, message: "returned \(raw.count) rewards for \(batch.count) structures")
        }
      } catch {
        switch entry.onError {
        case .fail: throw error
        case .skip: throw RewardError.componentSkipped(component: name, underlying: "\(error)")
        case .nan:
          failures.append(.init(component: name, message: "\(error)"))
          raw = Array(repeating: .nan, count: batch.count)
        }
      }
      let normalized = entry.normalization?.apply(raw, eps: entry.eps) ?? raw
      let weighted = normalized.map { $0 * entry.weight }
      for index in total.indices { total[index] += weighted[index] }
      scores.append(.init(name: name, raw: raw, normalized: normalized, weighted: weighted))
    }
    let mayAbstain = Set(failures.map(\.component)).union(
      components.filter(\.component.outputMayBeNaN).map(\.component.name))
    var abstained: [Int] = []
    for index in total.indices where total[index].isNaN {
      let culprits = scores.filter { $0.weighted[index].isNaN }.map(\.name)
      guard culprits.allSatisfy(mayAbstain.contains) else {
        let id = batch.structures[index].id
        throw RewardError.nanReward(
          "total reward of structure \(index)\(id.isEmpty ? "" : " (\(id))") is NaN; "
            + "from component(s) \(culprits.joined(separator: ", "))")
      }
      abstained.append(index)
    }
    return RewardReport(
      components: scores, total: total, metrics: metrics, abstained: abstained,
      failures: failures)
  }

  /// The global normalization of totals: per consecutive group of `groupSize` when given
  /// (group_reward_norm), otherwise over the whole batch. Unchanged when `normalize_fn` is null.
  /// Abstaining structures (NaN totals) are left out of the statistics and get 0.
  public func normalize(_ totals: [Double], groupSize: Int? = nil) throws -> [Double] {
    let normalized: [Double]
    if let normalization, let groupSize {
      normalized = try normalization.applyGroupwise(totals, groupSize: groupSize, eps: eps)
    } else {
      normalized = normalization?.apply(totals, eps: eps) ?? totals
    }
    return normalized.map { $0.isNaN ? 0 : $0 }
  }
}

/// What the pipeline computed for a batch: every component's raw, normalized and weighted
/// rewards, the totals, the metrics, and which structures abstained.
public struct RewardReport: Sendable {
  /// One component's rewards for the batch.
  public struct ComponentScores: Sendable {
    public let name: String
    public let raw: [Double]
    public let normalized: [Double]
    public let weighted: [Double]
  }

  /// A component that failed under `on_error: nan`, and its error.
  public struct Failure: Equatable, Sendable {
    public let component: String
    public let message: String
  }

  public let components: [ComponentScores]
  /// Total reward per structure; NaN for the abstaining ones.
  public let total: [Double]
  public let metrics: MetricTable
  /// Indices of the structures whose total is NaN: they take no part in normalization
  /// statistics and get zero advantage.
  public let abstained: [Int]
  /// Components that failed on this batch under `on_error: nan`.
  public let failures: [Failure]

  /// How many structures abstained.
  public var abstainedCount: Int { abstained.count }

  /// The components' names made unique, the one rule for every report, log and table that
  /// labels components: a repeated name gets `#2`, `#3`, ... in order (skipping a label another
  /// component already has).
  public var componentLabels: [String] { Self.labels(of: components.map(\.name)) }

  /// The labels of components named `names`, made unique as `componentLabels` makes them.
  public static func labels(of names: [String]) -> [String] {
    var used = Set<String>()
    return names.map { name in
      var label = name
      var count = 1
      while used.contains(label) {
        count += 1
        label = "\(name)#\(count)"
      }
      used.insert(label)
      return label
    }
  }
}
