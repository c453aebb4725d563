import CrystalCore
import DNGRewardMetrics
import Foundation
import ReferenceData
import RewardPipeline

/// What `crystalrl evaluate` reports for a set of (generated) structures: structural validity,
/// uniqueness and novelty against a reference set, and the mean of each reward component.
///
/// ```swift
/// let report = try EvaluationReport(structures: samples, reference: "builtin", pipeline: reward)
/// print(report.table)
/// ```
public struct EvaluationReport {
  /// (label, value) rows in display order.
  public let rows: [(label: String, value: String)]

  /// Evaluates `structures` against the reference set `reference` (`builtin` or a CDVAE-layout
  /// CSV path; parsed sets are cached in `cacheDirectory`) and scores them with `pipeline`.
  public init(
    structures: [Structure], reference name: String, pipeline: ReinforceReward,
    cacheDirectory: URL = ReferenceSet.defaultCacheDirectory
  ) throws {
    let reference = try ReferenceSet.named(
      name, resolveDataset: { URL(fileURLWithPath: $0) }, cacheDirectory: cacheDirectory)
    let valid = structures.map { $0.volume > 0 && $0.minimumInteratomicDistance > 0.5 }
    let context = ReferenceContext(reference: reference)
    let batch = StructureBatch(structures)
    let unique = try UniqueMetric(context: context).compute(batch, metrics: [:]).values
    let novel = try NovelMetric(context: context).compute(batch, metrics: [:]).values
    let report = try pipeline.score(structures)
    func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
    func fraction(_ values: [Double]) -> String { String(format: "%.3f", mean(values)) }
    var rows: [(String, String)] = [
      ("structures", "\(structures.count)"),
      ("valid (distances > 0.5 Å, volume > 0)", fraction(valid.map { $0 ? 1 : 0 })),
      ("unique", fraction(unique)),
      ("novel (vs \(reference.source))", fraction(novel)),
      ("unique and novel", fraction(zip(unique, novel).map { $0 * $1 })),
    ]
    for component in report.components {
      rows.append(("mean reward: \(component.name)", String(format: "%.4g", mean(component.raw))))
    }
    rows.append(("mean total reward", String(format: "%.4g", mean(report.total))))
    self.rows = rows
  }

  /// The rows as aligned text, one per line.
  public var table: String {
    let width = rows.map(\.label.count).max() ?? 0
    return rows.map {
      $0.label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.value
    }
    .joined(separator: "\n") + "\n"
  }
}
