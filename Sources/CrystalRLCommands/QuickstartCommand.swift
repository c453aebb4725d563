import ArgumentParser
import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import Foundation
import Randomness
import RewardAssembly

/// `crystalrl quickstart`: the whole workflow on the built-in prototype library, in minutes on
/// a laptop: train a small VAE and latent diffusion model, register them in the checkpoint
/// store, then fine-tune the denoiser with GRPO against the configured reward (by default
/// `custom_reward=validity`: the DNG plugin's structural and composition validity) and show the
/// reward before and after. Settings: configs/quickstart.yaml.
struct QuickstartCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quickstart",
    abstract: "Train a small VAE and diffusion model on the built-in structures, then GRPO.")

  @Option(help: "Run directory (default: paths.output_dir/task_name/<time>).") var runDir: UserPath?
  @OptionGroup var config: ConfigOptions

  /// What the command reads from configs/quickstart.yaml.
  struct Settings {
    let vae: CrystalVAE.Configuration
    let vaeTraining: ModelTraining.Options
    let ldm: LatentDiffusion.Configuration
    let ldmTraining: ModelTraining.Options
    let minSNRGamma: Double?
    let rewardConfig: ConfigNode
    let grpo: GRPOTrainer.Configuration
    let loop: RLRun.Settings
    let seed: UInt64
    let checkpoints: (vae: String, ldm: String, rl: String)
    let runDirectory: URL

    init(_ config: ComposedConfig, runDir: UserPath?) throws {
      seed = UInt64(try config.int("seed"))
      vae = try config.vaeConfiguration()
      vaeTraining = try config.trainingOptions("vae_training", seed: seed)
      ldm = try config.ldmConfiguration()
      ldmTraining = try config.trainingOptions("ldm_training", seed: seed + 1)
      minSNRGamma = try config.minSNRGamma("ldm_training.min_snr_gamma")
      rewardConfig = try config.node("rl_module.reward_fn")
      grpo = try config.grpoConfiguration()
      loop = try config.rlRunSettings()
      checkpoints = (
        try config.string("checkpoints.vae"), try config.string("checkpoints.ldm"),
        try config.string("checkpoints.rl")
      )
      runDirectory = try config.runDirectory(runDir)
    }
  }

  func run() throws {
    let settings = try Settings(try config.load(primary: "quickstart"), runDir: runDir)
    let structures = try datasetStructures(nil, maxAtoms: settings.vae.maxAtoms)
    var random = SeededRandom(seed: settings.seed)
    let vae = CrystalVAE(settings.vae, random: &random)
    print(
      "[1/3] VAE on \(structures.count) built-in structures, \(settings.vaeTraining.steps) steps")
    ModelTraining.trainVAE(vae, on: structures, options: settings.vaeTraining) { step, loss in
      progress(step, of: settings.vaeTraining.steps, loss)
    }
    let model = LatentDiffusion(
      settings.ldm, latentDimension: settings.vae.latentDimension, random: &random)
    let encoded = ModelTraining.encode(structures, with: vae)
    print("[2/3] latent diffusion, \(settings.ldmTraining.steps) steps")
    ModelTraining.trainDiffusion(
      model, latents: encoded.latents, weights: encoded.weights, tokens: settings.vae.maxAtoms,
      options: settings.ldmTraining, minSNRGamma: settings.minSNRGamma
    ) { step, loss in progress(step, of: settings.ldmTraining.steps, loss) }
    let store = CheckpointStore.standard
    let atomCounts = structures.map(\.count)
    try ModelCheckpoint.save(vae, to: try store.url(for: settings.checkpoints.vae))
    try ModelCheckpoint.save(
      model, atomCounts: atomCounts, to: try store.url(for: settings.checkpoints.ldm))

    var factory = RewardFactory(
      resolveDataset: try config.datasetResolver(), log: logToStandardError)
    factory.diversityVAE = { vae }
    let trainer = GRPOTrainer(
      vae: vae, model: model, reward: try factory.makePipeline(settings.rewardConfig),
      configuration: settings.grpo, atomCounts: atomCounts, seed: settings.seed + 2)
    let run = RLRun(
      trainer: trainer, settings: settings.loop, log: try RunLog(directory: settings.runDirectory)
    ) { model in
      try ModelCheckpoint.save(
        model, atomCounts: atomCounts, to: try store.url(for: settings.checkpoints.rl))
    }
    let before = try run.validate()
    print(
      "[3/3] GRPO, \(settings.loop.maxSteps) steps (base model mean reward \(format(before.reward)))"
    )
    var after = before
    try run.run { event in
      if case .step(_, let validation?) = event { after = validation }
      printProgress(event)
    }
    print(
      """
      summary: mean reward of \(settings.loop.validationSamples) samples \(format(before.reward)) (base) -> \(format(after.reward)) (after \(trainer.step) GRPO steps)
               valid (all distances > 0.5 Å) \(format(before.valid)) -> \(format(after.valid)), composition valid (SMACT) \(format(before.compositionValid)) -> \(format(after.compositionValid))
      run directory: \(run.log.directory.path) (metrics.jsonl, metrics.csv, TensorBoard events, reward_curve.svg)
      checkpoints: \(settings.checkpoints.vae), \(settings.checkpoints.ldm), \(settings.checkpoints.rl) (best val/reward) in \(store.directory.path)
      """)
  }

  private func progress(_ step: Int, of total: Int, _ loss: Float) {
    if (step + 1) % max(total / 5, 1) == 0 {
      print("  step \(step + 1)/\(total): loss \(format(Double(loss)))")
    }
  }

  private func format(_ value: Double) -> String { String(format: "%.4g", value) }
}
