import CrystalCore
import CrystalModels
import CrystalTraining
import RewardPipeline
import TensorEngine
import TestSupport
import XCTest

/// The RL stage on tiny models: trajectory bookkeeping, a measured reward improvement, and the
/// run loop's validation, best checkpoint, early stopping and resume.
final class GRPOTrainerTests: XCTestCase {
  /// A tiny VAE and diffusion model, briefly trained on part of the built-in library.
  func tinyModels(seed: UInt64) -> (CrystalVAE, LatentDiffusion, [Structure]) {
    let structures = Array(PrototypeLibrary.structures().filter { $0.count <= 8 }.prefix(400))
    var random = SeededRandom(seed: seed)
    let vae = CrystalVAE(.init(width: 16, heads: 2, depth: 1, maxAtoms: 8), random: &random)
    ModelTraining.trainVAE(
      vae, on: structures, options: .init(steps: 40, batchSize: 16, learningRate: 3e-3, seed: seed)
    ) { _, _ in }
    let model = LatentDiffusion(
      .init(width: 16, depth: 1, heads: 2, samplingSteps: 10), latentDimension: 8, random: &random)
    let encoded = ModelTraining.encode(structures, with: vae)
    ModelTraining.trainDiffusion(
      model, latents: encoded.latents, weights: encoded.weights, tokens: 8,
      options: .init(steps: 40, batchSize: 16, learningRate: 3e-3, seed: seed)
    ) { _, _ in }
    return (vae, model, structures)
  }

  /// GRPO settings for the tiny models: 4 prompts × 4 samples, 10 DDIM steps, one rollout
  /// chunk.
  let configuration = GRPOTrainer.Configuration(
    batchSize: 4, numGroupSamples: 4, groupRewardNorm: true, numInnerBatch: 2,
    rolloutChunkSize: 16, overlapReward: true, clipRatio: 0.2,
    klWeight: 0.01, entropyWeight: 1e-5, learningRate: 1e-3, weightDecay: 0,
    sampling: .init(steps: 10, eta: 1))

  func testRecordedLogProbabilitiesAreThoseOfThePolicy() {
    let (_, model, _) = tinyModels(seed: 1)
    var random = SeededRandom(seed: 2)
    let trajectory = model.sample(atomCounts: [2, 5, 8], tokens: 8, random: &random)
    XCTAssertEqual(trajectory.latents.count, 11)
    XCTAssertEqual(trajectory.stds.last, 0)  // the last DDIM step is deterministic
    for step in trajectory.stds.indices where trajectory.stds[step] > 0 {
      let recomputed = model.logProbability(of: trajectory, step: step).data
      for (a, b) in zip(recomputed, trajectory.logProbabilities[step]) {
        XCTAssertEqual(a, b, accuracy: 1e-4)
      }
    }
    // Padding stays zero through sampling.
    XCTAssertTrue(trajectory.latents.last![2 * 8..<8 * 8].allSatisfy { $0 == 0 })
  }

  func testSamplingSettingsChangeTheTrajectory() {
    let (_, model, _) = tinyModels(seed: 1)
    var random = SeededRandom(seed: 2)
    let short = model.sample(
      atomCounts: [3], tokens: 8, sampling: .init(steps: 4, eta: 0), random: &random)
    XCTAssertEqual(short.latents.count, 5)
    XCTAssertEqual(short.eta, 0)
    XCTAssertTrue(short.stds.allSatisfy { $0 == 0 }, "eta 0 is deterministic DDIM")
  }

  func testGRPOIncreasesAtomicDensity() throws {
    let (vae, model, structures) = tinyModels(seed: 3)
    let reward = ReinforceReward(
      components: [WeightedComponent(AtomicDensityReward())], normalization: .std)
    let trainer = GRPOTrainer(
      vae: vae, model: model, reward: reward, configuration: configuration,
      atomCounts: structures.map(\.count), seed: 4)
    let run = RLRun(
      trainer: trainer,
      settings: .init(
        maxSteps: 8, validationInterval: 4, validationSamples: 48, earlyStoppingPatience: 100,
        maxConsecutiveFailures: 3),
      log: try RunLog(directory: try SharedData.temporaryDirectory())
    ) { _ in }
    let before = try run.validate().reward
    var records: [GRPOTrainer.StepRecord] = []
    try run.run { event in
      if case .step(let record, _) = event { records.append(record) }
    }
    let after = try run.validate().reward
    print("tiny GRPO: mean atomic density \(before) -> \(after) after 8 steps")
    XCTAssertEqual(records.count, 8)
    XCTAssertTrue(records.allSatisfy { $0.kl.isFinite && $0.ratio.isFinite && $0.loss.isFinite })
    XCTAssertGreaterThan(after, before * 1.2)
  }

  /// Validation rewards 1, 3, 2, 2, 2 with patience 2: the model of step 2 is the best, the run
  /// stops after step 4, and a resumed run knows its best and stops at once.
  func testBestCheckpointAndEarlyStopping() throws {
    let (vae, model, structures) = tinyModels(seed: 5)
    // Training batches score 0; validation batches (48 samples) score the scripted values.
    let scripted = ScriptedReward(validationSize: 48, values: [1, 3, 2, 2, 2, 5])
    let reward = ReinforceReward(components: [WeightedComponent(scripted)], normalization: nil)
    let directory = try SharedData.temporaryDirectory()
    func makeRun(_ saved: @escaping (Int) -> Void) throws -> RLRun {
      let trainer = GRPOTrainer(
        vae: vae, model: model, reward: reward, configuration: configuration,
        atomCounts: structures.map(\.count), seed: 6)
      let settings = RLRun.Settings(
        maxSteps: 10, validationInterval: 1, validationSamples: 48, earlyStoppingPatience: 2,
        maxConsecutiveFailures: 3)
      return RLRun(
        trainer: trainer, settings: settings,
        log: try RunLog(directory: directory, continuing: true)
      ) { _ in saved(trainer.step) }
    }
    var savedAt: [Int] = []
    let run = try makeRun { savedAt.append($0) }
    let summary = try run.run()
    XCTAssertEqual(savedAt, [1, 2], "the best model is saved when validation improves")
    XCTAssertEqual(summary.bestValidation, 3)
    XCTAssertEqual(summary.steps, 4)
    XCTAssertTrue(summary.stoppedEarly)
    XCTAssertEqual(run.log.series("val/reward").map(\.value), [1, 3, 2, 2])
    XCTAssertTrue(FileManager.default.fileExists(atPath: run.lastCheckpoint.path))

    // Resuming: 4 steps done, best 3 at step 2, so one more step without improvement (the
    // next validation is 2) ends the run again.
    var resumedSaves: [Int] = []
    let resumed = try makeRun { resumedSaves.append($0) }
    try resumed.resume(seed: 6)
    XCTAssertEqual(resumed.trainer.step, 4)
    let again = try resumed.run()
    XCTAssertEqual(again.steps, 5)
    XCTAssertEqual(again.bestValidation, 3)
    XCTAssertTrue(again.stoppedEarly)
    XCTAssertEqual(resumedSaves, [])
  }
}

extension GRPOTrainerTests {
  /// A reward that computes unique, novel and e_above_hull (here: every structure unique,
  /// the even-indexed ones novel, e_above_hull 0 / 0.05 / 0.2 / NaN in turn) gets evaluate's
  /// fractions logged with its validation.
  func testValidationReportsDNGFractions() throws {
    let (vae, model, structures) = tinyModels(seed: 7)
    final class DNGMetricsReader: RewardComponent {
      let name = "reader"
      let requiredMetrics = ["unique", "novel", "e_above_hull"]
      func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
        Array(repeating: 0, count: batch.count)
      }
    }
    final class Column: MetricProvider {
      let name: String
      let value: @Sendable (Int) -> Double
      init(_ name: String, _ value: @escaping @Sendable (Int) -> Double) {
        self.name = name
        self.value = value
      }
      func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
        MetricColumn(name: name, values: (0..<batch.count).map(value))
      }
    }
    let hull = [0, 0.05, 0.2, .nan]
    let metrics = MetricRegistry([
      Column("unique") { _ in 1 }, Column("novel") { $0 % 2 == 0 ? 1 : 0 },
      Column("e_above_hull") { hull[$0 % 4] },
    ])
    let trainer = GRPOTrainer(
      vae: vae, model: model,
      reward: ReinforceReward(
        components: [WeightedComponent(DNGMetricsReader())], metrics: metrics),
      configuration: configuration, atomCounts: structures.map(\.count), seed: 8)
    let run = RLRun(
      trainer: trainer,
      settings: .init(
        maxSteps: 1, validationInterval: 1, validationSamples: 8, earlyStoppingPatience: 10,
        maxConsecutiveFailures: 3, metastableThreshold: 0.1),
      log: try RunLog(directory: try SharedData.temporaryDirectory())
    ) { _ in }
    let validation = try run.validate()
    XCTAssertEqual(
      validation.dng,
      ["unique": 1, "novel": 0.5, "e_above_hull_median": 0.05, "metastable": 0.5, "msun": 0.25])
    XCTAssertEqual(validation.metrics["val/msun"], 0.25)
    XCTAssertEqual(validation.metrics.count, 8)
  }
}

/// A reward whose validation batches (of `validationSize` structures) score the next of
/// `values` for every structure; other batches score 0.
final class ScriptedReward: RewardComponent {
  let name = "scripted"
  let requiredMetrics: [String] = []
  let validationSize: Int
  var values: [Double]

  init(validationSize: Int, values: [Double]) {
    self.validationSize = validationSize
    self.values = values
  }

  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    guard batch.count == validationSize else { return Array(repeating: 0, count: batch.count) }
    return Array(repeating: values.removeFirst(), count: batch.count)
  }
}
