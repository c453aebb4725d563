import CrystalCore
import DNGAlgorithms
import DNGMetricProviders
import Foundation
import ProgressReporting
import ReferenceData
import RewardPipeline

/// Chemeleon2's evaluation of a set of (generated) structures, what `crystalrl evaluate`
/// reports: the fractions that are structurally valid, composition-valid (SMACT), unique,
/// novel against a reference set, stable and metastable against the reference hull, S.U.N.
/// (stable, unique and novel) and M.S.U.N. (metastable, unique and novel); the mean and median
/// energy above the hull; and the mean of each reward component.
///
/// Fractions are over all structures (a structure without an energy is neither stable nor
/// metastable); the e_above_hull mean and median are over the structures that have one. With
/// no energy calculator the energy keys are nil.
///
/// ```swift
/// let report = try EvaluationReport(
///   structures: samples, reference: try factory.reference(named: "builtin"), pipeline: reward,
///   energyAboveHull: nil)
/// print(report.table)
/// ```
public struct EvaluationReport {
  /// Energies above the hull (eV/atom) at or below which a structure counts as (meta)stable,
  /// give or take `HullVerdicts.rounding`.
  public struct Thresholds: Sendable {
    public var stable: Double
    public var metastable: Double

    public init(stable: Double = 0, metastable: Double = 0.1) {
      self.stable = stable
      self.metastable = metastable
    }
  }

  /// One structure's verdicts; the energy flags are nil without an energy calculator.
  public struct Verdict: Sendable {
    public let id: String
    public let formula: String
    public let valid: Bool
    public let compositionValid: Bool
    public let unique: Bool
    public let novel: Bool
    /// eV/atom above the reference hull; NaN where the energy is missing, nil without energies.
    public let eAboveHull: Double?
    public let stable: Bool?
    public let metastable: Bool?
    /// Stable, unique and novel (S.U.N.); nil without energies.
    public let sun: Bool?
    /// Metastable, unique and novel (M.S.U.N.); nil without energies.
    public let msun: Bool?
    /// Each reward component's raw reward, in `EvaluationReport.components` order.
    public let rewards: [Double]
  }

  /// The summary's keys, in order (the JSON object's keys); reward means follow as
  /// `reward_<component>`.
  public static let keys = [
    "structures", "valid", "composition_valid", "unique", "novel", "e_above_hull_mean",
    "e_above_hull_median", "stable", "metastable", "sun", "msun",
  ]

  public let verdicts: [Verdict]
  /// The reward components' names (made unique with `#2`, `#3`, ... where repeated).
  public let components: [String]
  /// Where novelty and the hull come from (`builtin`, a CSV path).
  public let referenceSource: String
  public let thresholds: Thresholds

  /// Evaluates `structures` against `reference`, scores them with `pipeline` and, when
  /// `energyAboveHull` is given, places them against its hull. Unique and novel are the
  /// pipeline's where it computes them against the same reference set (the same
  /// `ReferenceContext`, as `RewardFactory.reference(named:)` shares them).
  public init(
    structures: [Structure], reference: ReferenceContext, pipeline: ReinforceReward,
    energyAboveHull: EnergyAboveHullMetric?, thresholds: Thresholds = Thresholds()
  ) throws {
    let batch = StructureBatch(structures)
    let report = try pipeline.score(batch)
    func pipelineColumn(_ name: String) -> [Double]? {
      let provider = pipeline.metricRegistry.provider(name)
      let context = (provider as? UniqueMetric)?.context ?? (provider as? NovelMetric)?.context
      return context === reference ? report.metrics[name]?.values : nil
    }
    let unique =
      try pipelineColumn("unique")
      ?? UniqueMetric(context: reference).compute(batch, metrics: [:]).values
    let novelty = NovelMetric(context: reference)
    let novel =
      try pipelineColumn("novel")
      ?? inChunks(structures, "novelty") { try novelty.compute($0, metrics: [:]).values }
    let hull = try energyAboveHull.map { metric in
      try inChunks(structures, "energies above the hull") {
        try metric.compute($0, metrics: [:]).values
      }
    }
    components = report.componentLabels
    verdicts = structures.enumerated().map { index, structure in
      let energy = hull?[index]
      let (isUnique, isNovel) = (unique[index] == 1, novel[index] == 1)
      func verdict(_ threshold: Double) -> Bool? {
        energy.map { HullVerdicts.isWithin($0, threshold) }
      }
      func sun(_ threshold: Double) -> Bool? {
        energy.map { HullVerdicts.isSUN($0, within: threshold, unique: isUnique, novel: isNovel) }
      }
      return Verdict(
        id: structure.id.isEmpty ? String(index) : structure.id,
        formula: structure.composition.formula,
        valid: structure.isStructurallyValid,
        compositionValid: CompositionValidity.isValid(structure.composition),
        unique: isUnique, novel: isNovel, eAboveHull: energy,
        stable: verdict(thresholds.stable), metastable: verdict(thresholds.metastable),
        sun: sun(thresholds.stable), msun: sun(thresholds.metastable),
        rewards: report.components.map { $0.raw[index] })
    }
    referenceSource = reference.reference.source
    self.thresholds = thresholds
  }

  /// The summary as (key, value) pairs: `keys`, then `reward_<component>`; nil for the
  /// energy keys without energies (or without a single finite e_above_hull).
  public var summary: [(key: String, value: Double?)] {
    func fraction(_ flag: (Verdict) -> Bool?) -> Double? {
      let flags = verdicts.map(flag)
      guard !flags.contains(where: { $0 == nil }) else { return nil }
      return Double(flags.filter { $0 == true }.count) / Double(verdicts.count)
    }
    let energies = verdicts.compactMap(\.eAboveHull)
    let values: [Double?] = [
      Double(verdicts.count), fraction(\.valid), fraction(\.compositionValid),
      fraction(\.unique), fraction(\.novel), finiteMean(energies), HullVerdicts.median(energies),
      fraction(\.stable),
      fraction(\.metastable), fraction(\.sun), fraction(\.msun),
    ]
    let rewards = components.indices.map { component in
      ("reward_" + components[component], finiteMean(verdicts.map { $0.rewards[component] }))
    }
    return Array(zip(Self.keys, values)) + rewards
  }

  /// The summary as aligned text: key, value, meaning.
  public var table: String {
    let meanings: [String: String] = [
      "valid": "all distances > 0.5 Å, volume > 0",
      "composition_valid": "SMACT charge neutrality and electronegativity",
      "novel": "vs \(referenceSource)",
      "e_above_hull_mean": "eV/atom, structures with an energy",
      "e_above_hull_median": "eV/atom",
      "stable": "e_above_hull <= \(thresholds.stable) eV/atom",
      "metastable": "e_above_hull <= \(thresholds.metastable) eV/atom",
      "sun": "stable, unique and novel",
      "msun": "metastable, unique and novel",
    ]
    let rows = summary.map { key, value in
      (
        key,
        key == "structures"
          ? String(Int(value!))
          : value.map { String(format: key.hasPrefix("reward_") ? "%.4g" : "%.3f", $0) }
            ?? "n/a", meanings[key] ?? ""
      )
    }
    let keyWidth = rows.map(\.0.count).max()! + 2
    let valueWidth = rows.map(\.1.count).max()! + 2
    var text =
      rows.map { key, value, meaning in
        let line =
          key.padding(toLength: keyWidth, withPad: " ", startingAt: 0)
          + value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) + meaning
        return line.replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
      }.joined(separator: "\n") + "\n"
    if verdicts.first?.eAboveHull == nil {
      text += "(no energies: set evaluation.energy_calculator to chgnet or table:PATH)\n"
    }
    return text
  }

  /// The summary as one JSON object (nil values as null).
  public var json: String {
    "{"
      + summary.map { key, value in "\"\(key)\": \(value.map(number) ?? "null")" }
      .joined(separator: ", ") + "}\n"
  }

  /// The summary as a CSV header and one row (empty fields for nil values).
  public var csv: String {
    summary.map(\.key).joined(separator: ",") + "\n"
      + summary.map { $0.value.map(number) ?? "" }.joined(separator: ",") + "\n"
  }

  /// One CSV row per structure: id, formula, every flag (1/0, empty without energies),
  /// e_above_hull and each component's raw reward.
  public var perStructureCSV: String {
    let header =
      [
        "id", "formula", "valid", "composition_valid", "unique", "novel", "e_above_hull",
        "stable", "metastable", "sun", "msun",
      ] + components.map { "reward_" + $0 }
    func flag(_ value: Bool?) -> String { value.map { $0 ? "1" : "0" } ?? "" }
    let rows = verdicts.map { verdict in
      [csvField(verdict.id), verdict.formula]
        + [verdict.valid, verdict.compositionValid, verdict.unique, verdict.novel].map(flag)
        + [verdict.eAboveHull.map(number) ?? ""]
        + [verdict.stable, verdict.metastable, verdict.sun, verdict.msun].map(flag)
        + verdict.rewards.map(number)
    }
    return ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
  }
}

/// `body` over consecutive chunks of `structures` (per-structure values), concatenated, with
/// progress shown under `label`.
private func inChunks(
  _ structures: [Structure], _ label: String, _ body: (StructureBatch) throws -> [Double]
) rethrows -> [Double] {
  let progress = ProgressReporter(label, total: structures.count)
  defer { progress.finish() }
  var values: [Double] = []
  for start in stride(from: 0, to: structures.count, by: 64) {
    let part = Array(structures[start..<min(start + 64, structures.count)])
    values += try body(StructureBatch(part))
    progress.advance(by: part.count)
  }
  return values
}

/// A value of the CSV and JSON forms, exactly (`exactNumber`).
private func number(_ value: Double) -> String {
  value.isFinite ? exactNumber(value) : "nan"
}
