import CrystalCore
import CrystalModels
import CrystalTraining
import RewardPipeline
import TensorEngine
import XCTest

/// The RL stage on tiny models: trajectory bookkeeping and a measured reward improvement.
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

  func testGRPOIncreasesAtomicDensity() throws {
    let (vae, model, structures) = tinyModels(seed: 3)
    var configuration = GRPOTrainer.Configuration()
    configuration.batchSize = 4
    configuration.numGroupSamples = 4
    configuration.groupRewardNorm = true
    configuration.learningRate = 1e-3
    configuration.clipRatio = 0.2
    configuration.klWeight = 0.01
    let reward = ReinforceReward(
      components: [WeightedComponent(AtomicDensityReward())], normalization: .std)
    let trainer = GRPOTrainer(
      vae: vae, model: model, reward: reward, configuration: configuration,
      atomCounts: structures.map(\.count), seed: 4)
    func meanDensity() throws -> Double {
      let totals = try reward.score(trainer.sample(48).structures).total
      return totals.reduce(0, +) / Double(totals.count)
    }
    let before = try meanDensity()
    var records: [GRPOTrainer.StepRecord] = []
    for _ in 0..<8 { records.append(try trainer.trainStep()) }
    let after = try meanDensity()
    print("tiny GRPO: mean atomic density \(before) -> \(after) after 8 steps")
    XCTAssertTrue(records.allSatisfy { $0.kl.isFinite && $0.ratio.isFinite && $0.loss.isFinite })
    XCTAssertGreaterThan(after, before * 1.2)
  }
}
