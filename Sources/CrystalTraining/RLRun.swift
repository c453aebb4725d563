import CrystalCore
import CrystalModels
import DNGAlgorithms
import Foundation
import ProgressReporting
import RewardPipeline

/// The RL run loop around a `GRPOTrainer`: GRPO steps up to `maxSteps`, a validation every
/// `validationInterval` steps (the mean total reward of fresh samples, logged as `val/reward`),
/// the model with the best validation reward handed to `saveBest`, early stopping after
/// `earlyStoppingPatience` steps without a better one, and resuming an interrupted run from
/// its run directory (`last.safetensors` and the logged steps).
///
/// ```swift
/// let run = RLRun(trainer: trainer, settings: settings, log: log) { model in
///   try ModelCheckpoint.save(model, atomCounts: counts, to: bestURL)
/// }
/// let summary = try run.run { event in print(event) }
/// ```
public final class RLRun {
  /// The loop's `trainer` settings.
  public struct Settings {
    public var maxSteps: Int
    /// Steps between validations (trainer.val_check_interval).
    public var validationInterval: Int
    /// Samples drawn for each validation (trainer.val_samples).
    public var validationSamples: Int
    /// Steps without a better validation reward after which the run stops.
    public var earlyStoppingPatience: Int
    /// Skipped steps in a row (`on_error: skip`) after which the run ends with the error.
    public var maxConsecutiveFailures: Int
    /// eV/atom above the hull up to which a validation sample counts as metastable
    /// (evaluation.metastable_threshold).
    public var metastableThreshold: Double

    public init(
      maxSteps: Int, validationInterval: Int, validationSamples: Int, earlyStoppingPatience: Int,
      maxConsecutiveFailures: Int, metastableThreshold: Double = 0.1
    ) {
      self.metastableThreshold = metastableThreshold
      self.maxSteps = maxSteps
      self.validationInterval = validationInterval
      self.validationSamples = validationSamples
      self.earlyStoppingPatience = earlyStoppingPatience
      self.maxConsecutiveFailures = maxConsecutiveFailures
    }
  }

  /// What the loop reports as it goes.
  public enum Event {
    /// A step finished; `validation` is its validation when one ran.
    case step(GRPOTrainer.StepRecord, validation: Validation?)
    /// A component with `on_error: skip` failed: step `step` made no update.
    case skipped(step: Int, component: String, error: String)
    /// No better validation reward for `patience` steps: the run ends.
    case stoppedEarly(patience: Int)
  }

  /// A validation: over fresh samples, the mean total reward (abstaining samples left out;
  /// NaN when all abstain), the fractions structurally and composition-valid, and, when the
  /// reward computes the DNG metrics, `evaluate`'s fractions unique, novel, metastable and
  /// M.S.U.N. and the median e_above_hull.
  public struct Validation {
    public let reward: Double
    public let valid: Double
    public let compositionValid: Double
    /// `unique`, `novel`, `e_above_hull_median`, `metastable`, `msun`: those the reward's
    /// metrics allow.
    public let dng: [String: Double]

    /// As logged: `val/reward`, `val/valid`, `val/composition_valid`, and `val/` + each of
    /// `dng`.
    public var metrics: [String: Double] {
      var metrics = [
        "val/reward": reward, "val/valid": valid, "val/composition_valid": compositionValid,
      ]
      for (key, value) in dng { metrics["val/" + key] = value }
      return metrics
    }
  }

  /// How the run ended.
  public struct Summary {
    public let steps: Int
    /// The best validation reward of the run (including before a resume), nil if none ran.
    public let bestValidation: Double?
    public let stoppedEarly: Bool
  }

  public let trainer: GRPOTrainer
  public let settings: Settings
  public let log: RunLog
  private let saveBest: (LatentDiffusion) throws -> Void
  private var best = -Double.infinity
  private var stepsSinceBest = 0

  public init(
    trainer: GRPOTrainer, settings: Settings, log: RunLog,
    saveBest: @escaping (LatentDiffusion) throws -> Void
  ) {
    self.trainer = trainer
    self.settings = settings
    self.log = log
    self.saveBest = saveBest
  }

  /// The checkpoint of the latest step, written after every step.
  public var lastCheckpoint: URL { log.directory.appendingPathComponent("last.safetensors") }

  /// Continues after the last step whose checkpoint was written (the model must be loaded
  /// from `lastCheckpoint`): a logged step without its checkpoint (the run died between the
  /// two) is dropped from the log and done again; restores the step count, the best
  /// validation reward and the steps since it, and restarts the random stream from `seed` so
  /// the run does not repeat itself.
  public func resume(seed: UInt64) throws {
    let saved = try ModelCheckpoint.step(of: lastCheckpoint) ?? log.recordedSteps
    guard saved <= log.recordedSteps else {
      throw ModelCheckpoint.Failure(
        description: "\(lastCheckpoint.path) is at step \(saved) but the run log has only "
          + "\(log.recordedSteps) steps; the run directory is not one run")
    }
    try log.truncate(toSteps: saved)
    trainer.step = saved
    trainer.reseed(seed &+ UInt64(log.recordedSteps))
    for (step, value) in log.series("val/reward") where value > best {
      best = value
      stepsSinceBest = trainer.step - Int(step)
    }
  }

  /// Validates on `settings.validationSamples` fresh samples.
  public func validate() throws -> Validation {
    let structures = trainer.sample(settings.validationSamples).structures
    let report = try trainer.reward.score(structures)
    func fraction(_ flags: [Bool]) -> Double {
      Double(flags.filter { $0 }.count) / Double(max(flags.count, 1))
    }
    var dng: [String: Double] = [:]
    let unique = report.metrics["unique"]?.values.map { $0 == 1 }
    let novel = report.metrics["novel"]?.values.map { $0 == 1 }
    if let unique { dng["unique"] = fraction(unique) }
    if let novel { dng["novel"] = fraction(novel) }
    if let hull = report.metrics["e_above_hull"]?.values {
      dng["e_above_hull_median"] = HullVerdicts.median(hull)
      let metastable = hull.map { HullVerdicts.isWithin($0, settings.metastableThreshold) }
      dng["metastable"] = fraction(metastable)
      if let unique, let novel {
        dng["msun"] = fraction(
          hull.indices.map {
            HullVerdicts.isSUN(
              hull[$0], within: settings.metastableThreshold, unique: unique[$0], novel: novel[$0])
          })
      }
    }
    return Validation(
      reward: finiteMean(report.total) ?? .nan,
      valid: fraction(structures.map(\.isStructurallyValid)),
      compositionValid: fraction(structures.map { CompositionValidity.isValid($0.composition) }),
      dng: dng)
  }

  /// `validate()`, or nil when a component with `on_error: skip` failed on the validation
  /// samples (that validation is left out).
  private func validateUnlessSkipped() throws -> Validation? {
    do { return try validate() } catch RewardError.componentSkipped { return nil }
  }

  /// Runs steps until `maxSteps` or early stopping.
  @discardableResult
  public func run(progress: (Event) -> Void = { _ in }) throws -> Summary {
    var stoppedEarly = false
    var failuresInARow = 0
    let shown = ProgressReporter("GRPO steps", total: max(settings.maxSteps - trainer.step, 0))
    defer { shown.finish() }
    while trainer.step < settings.maxSteps {
      defer { shown.advance() }
      let record: GRPOTrainer.StepRecord
      do {
        record = try trainer.trainStep()
        failuresInARow = 0
      } catch RewardError.componentSkipped(let component, let underlying) {
        failuresInARow += 1
        guard failuresInARow < settings.maxConsecutiveFailures else {
          throw RewardError.component(
            name: component,
            message: "failed \(failuresInARow) steps in a row (trainer.max_consecutive_failures); "
              + "last error: \(underlying)")
        }
        try log.record(["step": Double(trainer.step), "skipped": 1])
        try ModelCheckpoint.save(
          trainer.model, atomCounts: trainer.atomCounts, step: trainer.step, to: lastCheckpoint)
        progress(.skipped(step: trainer.step, component: component, error: underlying))
        continue
      }
      var metrics = record.metrics
      var validation: Validation?
      if record.step % settings.validationInterval == 0, let value = try validateUnlessSkipped() {
        validation = value
        metrics.merge(value.metrics) { $1 }
        if value.reward > best {
          best = value.reward
          stepsSinceBest = 0
          try saveBest(trainer.model)
        } else {
          stepsSinceBest += settings.validationInterval
        }
      }
      // The log first, then the checkpoint that completes the step: a crash in between leaves
      // a logged step without its checkpoint, which `resume` drops and does again.
      try log.record(metrics)
      try ModelCheckpoint.save(
        trainer.model, atomCounts: trainer.atomCounts, step: trainer.step, to: lastCheckpoint)
      progress(.step(record, validation: validation))
      if stepsSinceBest >= settings.earlyStoppingPatience {
        progress(.stoppedEarly(patience: settings.earlyStoppingPatience))
        stoppedEarly = true
        break
      }
    }
    return Summary(
      steps: trainer.step, bestValidation: best > -.infinity ? best : nil,
      stoppedEarly: stoppedEarly)
  }
}
