import CrystalCore
import Foundation
import Synchronization

/// Scores one batch whose structures arrive in parts, such as a rollout sampled chunk by
/// chunk. `add` starts the part's per-structure metrics (`MetricRegistry.perStructure`: energies
/// and e_above_hull, novelty, densities) on a background thread, so a slow energy calculator
/// works while the caller produces the next part; `finish` waits for them and scores the whole
/// batch as `ReinforceReward.score` does, with the batch-level metrics (uniqueness, diversity)
/// and every normalization over all of it. The report is the one `score` gives for the same
/// structures: per-structure metrics do not depend on how the batch is split, and when a part's
/// metrics fail, `finish` computes everything on the whole batch, so errors surface as there.
///
/// ```swift
/// let scoring = try IncrementalScoring(reward)
/// for chunk in chunks { scoring.add(sample(chunk)) }
/// let report = try scoring.finish()
/// ```
public final class IncrementalScoring {
  public let reward: ReinforceReward
  /// The metrics computed ahead, part by part.
  public let aheadMetrics: [String]
  private let queue = DispatchQueue(label: "crystalrl.incremental-scoring")
  private var structures: [Structure] = []
  /// Each part's metrics, appended on `queue`.
  private let parts = PartMetrics()
  private var finished = false

  public init(_ reward: ReinforceReward) throws {
    self.reward = reward
    aheadMetrics = try reward.metricRegistry.perStructure(reward.requiredMetrics)
  }

  /// Appends `part` to the batch and starts its per-structure metrics; returns at once.
  public func add(_ part: [Structure]) {
    precondition(!finished, "IncrementalScoring.add after finish")
    structures += part
    guard !aheadMetrics.isEmpty, !part.isEmpty else { return }
    let (registry, names) = (reward.metricRegistry, aheadMetrics)
    queue.async { [parts] in
      parts.append(Result { try registry.compute(names, for: StructureBatch(part)) })
    }
  }

  /// Waits for the parts' metrics and scores the whole batch (every structure `add` was given,
  /// in order).
  public func finish() throws -> RewardReport {
    precondition(!finished, "IncrementalScoring.finish called twice")
    finished = true
    queue.sync {}  // every part's metrics are in
    let computed = parts.all
    return try reward.score(
      StructureBatch(structures), precomputed: Self.joined(computed, aheadMetrics))
  }

  /// The metrics of the parts computed so far, in order.
  private final class PartMetrics: Sendable {
    private let results = Mutex<[Result<MetricTable, Error>]>([])
    func append(_ result: Result<MetricTable, Error>) { results.withLock { $0.append(result) } }
    var all: [Result<MetricTable, Error>] { results.withLock { $0 } }
  }

  /// The parts' columns of each of `names` joined into one; empty when a part failed or the
  /// parts disagree on a column's width.
  private static func joined(_ parts: [Result<MetricTable, Error>], _ names: [String])
    -> MetricTable
  {
    guard let tables = try? parts.map({ try $0.get() }), !tables.isEmpty else { return [:] }
    var joined: MetricTable = [:]
    for name in names {
      let columns = tables.map { $0[name]! }
      let width = columns[0].width
      guard columns.allSatisfy({ $0.width == width }) else { return [:] }
      joined[name] = MetricColumn(name: name, width: width, values: columns.flatMap(\.values))
    }
    return joined
  }
}
