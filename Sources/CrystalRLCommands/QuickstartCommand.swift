import ArgumentParser
import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import Foundation
import RewardPipeline
import TensorEngine

/// `crystalrl quickstart`: the whole workflow on the built-in prototype library, in minutes on
/// a laptop: train a small VAE and latent diffusion model, register them in the checkpoint
/// store, then fine-tune the denoiser with GRPO against the configured reward (atomic density
/// by default) and show the reward before and after.
struct QuickstartCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quickstart",
    abstract: "Train a small VAE and diffusion model on the built-in structures, then GRPO.")

  @Option(help: "Run directory for logs and the reward curve (default: ./runs/<time>).")
  var runDir: String?

  @Option(help: "VAE training steps.") var vaeSteps = 300
  @Option(help: "Diffusion training steps.") var ldmSteps = 300
  @Option(help: "GRPO steps.") var rlSteps = 30
  @Option(help: "Random seed.") var seed: UInt64 = 0

  @OptionGroup var config: ConfigOptions

  func run() throws {
    let log = try RunLog(directory: runDir.map { URL(fileURLWithPath: $0) })
    let structures = PrototypeLibrary.structures()
    var random = SeededRandom(seed: seed)
    var vaeConfiguration = CrystalVAE.Configuration()
    vaeConfiguration.maxAtoms = structures.map(\.count).max()!
    vaeConfiguration.width = 32
    let vae = CrystalVAE(vaeConfiguration, random: &random)
    print("[1/3] VAE on \(structures.count) built-in structures, \(vaeSteps) steps")
    ModelTraining.trainVAE(
      vae, on: structures,
      options: .init(steps: vaeSteps, batchSize: 32, learningRate: 2e-3, seed: seed)
    ) { step, loss in progress(step, of: vaeSteps, loss) }

    var ldmConfiguration = LatentDiffusion.Configuration()
    ldmConfiguration.width = 32
    let model = LatentDiffusion(
      ldmConfiguration, latentDimension: vaeConfiguration.latentDimension, random: &random)
    let encoded = ModelTraining.encode(structures, with: vae)
    print("[2/3] latent diffusion, \(ldmSteps) steps")
    ModelTraining.trainDiffusion(
      model, latents: encoded.latents, weights: encoded.weights, tokens: vaeConfiguration.maxAtoms,
      options: .init(steps: ldmSteps, batchSize: 32, learningRate: 2e-3, seed: seed + 1)
    ) { step, loss in progress(step, of: ldmSteps, loss) }
    let store = CheckpointStore.standard
    let atomCounts = structures.map(\.count)
    try ModelCheckpoint.save(vae, to: try store.url(for: "builtin_vae"))
    try ModelCheckpoint.save(
      model, atomCounts: atomCounts, to: try store.url(for: "builtin_ldm_base"))

    let interpolator = try config.load()
    guard let rewardConfig = try interpolator.resolved(at: "rl_module.reward_fn") else {
      throw ConfigError("the composed configuration has no rl_module.reward_fn")
    }
    var factory = RewardFactory(resolveDataset: config.datasetFile)
    factory.diversityVAE = { vae }
    let reward = try factory.makePipeline(rewardConfig)
    var rl = GRPOTrainer.Configuration()
    rl.batchSize = 4
    rl.numGroupSamples = 8
    rl.groupRewardNorm = true
    rl.learningRate = 3e-4
    rl.clipRatio = 0.2
    rl.klWeight = 0.01
    let trainer = GRPOTrainer(
      vae: vae, model: model, reward: reward, configuration: rl,
      atomCounts: atomCounts, seed: seed + 2)
    let before = try meanReward(trainer, reward)
    print("[3/3] GRPO, \(rlSteps) steps (base model mean reward \(format(before)))")
    for _ in 0..<rlSteps {
      let record = try trainer.trainStep()
      try log.record(record.metrics)
      print(
        "  step \(record.step): reward \(format(record.reward))  kl \(format(record.kl))  "
          + String(
            format: "(rollout %.1fs, reward %.2fs, update %.1fs)", record.rolloutSeconds,
            record.rewardSeconds, record.updateSeconds))
    }
    try ModelCheckpoint.save(
      model, atomCounts: atomCounts, to: try store.url(for: "builtin_ldm_rl"))
    let after = try meanReward(trainer, reward)
    print(
      """
      summary: mean reward of 64 samples \(format(before)) (base) -> \(format(after)) (after \(rlSteps) GRPO steps)
      run directory: \(log.directory.path) (metrics.jsonl, metrics.csv, reward_curve.svg)
      checkpoints: builtin_vae, builtin_ldm_base, builtin_ldm_rl in \(store.directory.path)
      """)
  }

  private func meanReward(_ trainer: GRPOTrainer, _ reward: ReinforceReward) throws -> Double {
    let totals = try reward.score(trainer.sample(64).structures).total
    return totals.reduce(0, +) / Double(totals.count)
  }

  private func progress(_ step: Int, of total: Int, _ loss: Float) {
    if (step + 1) % max(total / 5, 1) == 0 {
      print("  step \(step + 1)/\(total): loss \(format(Double(loss)))")
    }
  }

  private func format(_ value: Double) -> String { String(format: "%.4g", value) }
}
