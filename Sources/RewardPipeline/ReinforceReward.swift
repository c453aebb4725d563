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

  /// Scores a prepared batch.
  public func score(_ batch: StructureBatch) throws -> RewardReport {
    let metrics = try metricRegistry.compute(requiredMetrics, for: batch)
    var scores: [RewardReport.ComponentScores] = []
    var total = Array(repeating: 0.0, count: batch.count)
    for entry in components {
      let raw = try entry.component.compute(batch, metrics: metrics)
      guard raw.count == batch.count else {
        throw RewardError.component(
          name: entry.component.name,
          message: "returned \(raw.count) rewards for \(batch.count) structures")
      }
      let normalized = entry.normalization?.apply(raw, eps: entry.eps) ?? raw
      let weighted = normalized.map { $0 * entry.weight }
      for index in total.indices { total[index] += weighted[index] }
      scores.append(
        .init(name: entry.component.name, raw: raw, normalized: normalized, weighted: weighted))
    }
    if let bad = total.firstIndex(where: \.isNaN) {
      let culprits = scores.filter { $0.weighted[bad].isNaN }.map(\.name)
      let id = batch.structures[bad].id
      throw RewardError.nanReward(
        "total reward of structure \(bad)\(id.isEmpty ? "" : " (\(id))") is NaN; "
          + "from component(s) \(culprits.joined(separator: ", "))")
    }
    return RewardReport(components: scores, total: total, metrics: metrics)
  }

  /// The global normalization of totals: per consecutive group of `groupSize` when given
  /// (group_reward_norm), otherwise over the whole batch. Unchanged when `normalize_fn` is null.
  public func normalize(_ totals: [Double], groupSize: Int? = nil) throws -> [Double] {
    guard let normalization else { return totals }
    if let groupSize {
      return try normalization.applyGroupwise(totals, groupSize: groupSize, eps: eps)
    }
    return normalization.apply(totals, eps: eps)
  }
}

/// What the pipeline computed for a batch: every component's raw, normalized and weighted
/// rewards, the totals, and the metrics.
public struct RewardReport {
  /// One component's rewards for the batch.
  public struct ComponentScores {
    public let name: String
    public let raw: [Double]
    public let normalized: [Double]
    public let weighted: [Double]
  }

  public let components: [ComponentScores]
  public let total: [Double]
  public let metrics: MetricTable
}
