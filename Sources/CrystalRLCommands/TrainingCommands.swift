import ArgumentParser
import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import Foundation
import RewardPipeline
import TensorEngine

/// `crystalrl train-vae`: trains the crystal VAE on a dataset and registers it in the store.
struct TrainVAECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-vae", abstract: "Train the crystal VAE (configs/train_vae.yaml).")

  @Option(help: "Run directory (default: ./runs/<time>).") var runDir: String?
  @OptionGroup var config: ConfigOptions

  func run() throws {
    let settings = try config.load(primary: "train_vae")
    var vaeConfiguration = CrystalVAE.Configuration()
    vaeConfiguration.width = try settings.int("vae.width")
    vaeConfiguration.latentDimension = try settings.int("vae.latent_dimension")
    vaeConfiguration.heads = try settings.int("vae.heads")
    vaeConfiguration.depth = try settings.int("vae.depth")
    vaeConfiguration.maxAtoms = try settings.int("vae.max_atoms")
    vaeConfiguration.klWeight = Float(try settings.double("vae.kl_weight"))
    let structures = try settings.trainingStructures(maxAtoms: vaeConfiguration.maxAtoms)
    let seed = UInt64(try settings.int("seed"))
    var random = SeededRandom(seed: seed)
    let vae = CrystalVAE(vaeConfiguration, random: &random)
    let log = try RunLog(directory: runDir.map { URL(fileURLWithPath: $0) })
    let steps = try settings.int("trainer.max_steps")
    print("training the VAE on \(structures.count) structures for \(steps) steps")
    ModelTraining.trainVAE(
      vae, on: structures,
      options: .init(
        steps: steps, batchSize: try settings.int("trainer.batch_size"),
        learningRate: Float(try settings.double("trainer.lr")), seed: seed)
    ) { step, loss in record(step, loss, of: steps, in: log) }
    let sample = (0..<min(200, structures.count)).map {
      structures[$0 * structures.count / min(200, structures.count)]
    }
    print(ReconstructionReport(vae: vae, structures: sample))
    let name = try settings.string("checkpoint_name")
    try ModelCheckpoint.save(vae, to: try CheckpointStore.standard.url(for: name))
    try ModelCheckpoint.save(vae, to: log.directory.appendingPathComponent("vae.safetensors"))
    print("saved checkpoint \(name); run directory \(log.directory.path)")
  }
}

/// `crystalrl train-ldm`: trains the latent diffusion model on a VAE's latents.
struct TrainLDMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-ldm", abstract: "Train the latent diffusion model (configs/train_ldm.yaml)."
  )

  @Option(help: "Run directory (default: ./runs/<time>).") var runDir: String?
  @OptionGroup var config: ConfigOptions

  func run() throws {
    let settings = try config.load(primary: "train_ldm")
    let vae = try ModelCheckpoint.loadVAE(
      URL(fileURLWithPath: try settings.string("vae_ckpt_path")))
    var ldmConfiguration = LatentDiffusion.Configuration()
    ldmConfiguration.width = try settings.int("ldm.width")
    ldmConfiguration.depth = try settings.int("ldm.depth")
    ldmConfiguration.heads = try settings.int("ldm.heads")
    ldmConfiguration.samplingSteps = try settings.int("ldm.sampling_steps")
    ldmConfiguration.eta = try settings.double("ldm.eta")
    let structures = try settings.trainingStructures(maxAtoms: vae.configuration.maxAtoms)
    let seed = UInt64(try settings.int("seed"))
    var random = SeededRandom(seed: seed)
    let model = LatentDiffusion(
      ldmConfiguration, latentDimension: vae.configuration.latentDimension, random: &random)
    let encoded = ModelTraining.encode(structures, with: vae)
    let log = try RunLog(directory: runDir.map { URL(fileURLWithPath: $0) })
    let steps = try settings.int("trainer.max_steps")
    print(
      "training the diffusion model on \(structures.count) encoded structures for \(steps) steps")
    ModelTraining.trainDiffusion(
      model, latents: encoded.latents, weights: encoded.weights,
      tokens: vae.configuration.maxAtoms,
      options: .init(
        steps: steps, batchSize: try settings.int("trainer.batch_size"),
        learningRate: Float(try settings.double("trainer.lr")), seed: seed)
    ) { step, loss in record(step, loss, of: steps, in: log) }
    let name = try settings.string("checkpoint_name")
    let atomCounts = structures.map(\.count)
    try ModelCheckpoint.save(
      model, atomCounts: atomCounts, to: try CheckpointStore.standard.url(for: name))
    try ModelCheckpoint.save(
      model, atomCounts: atomCounts, to: log.directory.appendingPathComponent("ldm.safetensors"))
    print("saved checkpoint \(name); run directory \(log.directory.path)")
  }
}

/// `crystalrl train-rl`: GRPO fine-tuning of the denoiser against the reward pipeline, with
/// validation, best-reward checkpointing, early stopping and resuming.
struct TrainRLCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-rl",
    abstract: "Fine-tune the diffusion model with GRPO (configs/train_rl.yaml).")

  @Option(help: "Run directory (default: ./runs/<time>).") var runDir: String?
  @Flag(help: "Continue the run in --run-dir from its last saved step.") var resume = false
  @OptionGroup var config: ConfigOptions

  func run() throws {
    let settings = try config.load()
    let vae = try ModelCheckpoint.loadVAE(
      URL(fileURLWithPath: try settings.string("rl_module.vae_ckpt_path")))
    let last = runDir.map { URL(fileURLWithPath: $0).appendingPathComponent("last.safetensors") }
    let resuming = resume && last.map { FileManager.default.fileExists(atPath: $0.path) } == true
    guard !resume || runDir != nil else { throw ValidationError("--resume needs --run-dir") }
    let (model, atomCounts) = try ModelCheckpoint.loadDiffusion(
      resuming ? last! : URL(fileURLWithPath: try settings.string("rl_module.ldm_ckpt_path")))
    var factory = RewardFactory(resolveDataset: config.datasetFile)
    factory.diversityVAE = { vae }
    let reward = try factory.makePipeline(try settings.value("rl_module.reward_fn"))
    var rl = GRPOTrainer.Configuration()
    rl.batchSize = try settings.int("data.batch_size")
    rl.numGroupSamples = try settings.int("rl_module.rl_configs.num_group_samples")
    rl.groupRewardNorm = try settings.bool("rl_module.rl_configs.group_reward_norm")
    rl.numInnerBatch = try settings.int("rl_module.rl_configs.num_inner_batch")
    rl.clipRatio = Float(try settings.double("rl_module.rl_configs.clip_ratio"))
    rl.klWeight = Float(try settings.double("rl_module.rl_configs.kl_weight"))
    rl.entropyWeight = Float(try settings.double("rl_module.rl_configs.entropy_weight"))
    rl.learningRate = Float(try settings.double("rl_module.optimizer.lr"))
    rl.weightDecay = Float(try settings.double("rl_module.optimizer.weight_decay"))
    let seed = UInt64(try settings.int("seed"))
    let trainer = GRPOTrainer(
      vae: vae, model: model, reward: reward, configuration: rl, atomCounts: atomCounts,
      seed: seed)
    let log = try RunLog(directory: runDir.map { URL(fileURLWithPath: $0) }, continuing: resuming)
    if resuming {
      trainer.step = log.recordedSteps
      trainer.reseed(seed &+ UInt64(log.recordedSteps))
      print("resuming after step \(log.recordedSteps)")
    }
    let maxSteps = try settings.int("trainer.max_steps")
    let interval = try settings.int("trainer.val_check_interval")
    let patience = try settings.int("trainer.early_stopping_patience")
    let validationSamples = try settings.int("trainer.val_samples")
    let name = try settings.string("checkpoint_name")
    var best = -Double.infinity
    var sinceBest = 0
    while trainer.step < maxSteps {
      let record = try trainer.trainStep()
      var metrics = record.metrics
      if record.step % interval == 0 {
        let totals = try reward.score(trainer.sample(validationSamples).structures).total
        let validation = totals.reduce(0, +) / Double(totals.count)
        metrics["val/reward"] = validation
        if validation > best {
          best = validation
          sinceBest = 0
          try ModelCheckpoint.save(
            model, atomCounts: atomCounts, to: try CheckpointStore.standard.url(for: name))
        } else {
          sinceBest += interval
        }
      }
      try log.record(metrics)
      try ModelCheckpoint.save(
        model, atomCounts: atomCounts, to: log.directory.appendingPathComponent("last.safetensors"))
      print(
        "step \(record.step): reward \(String(format: "%.4g", record.reward)) kl \(String(format: "%.3g", record.kl))"
          + (metrics["val/reward"].map { String(format: "  val/reward %.4g", $0) } ?? ""))
      if sinceBest >= patience {
        print("early stopping: no better val/reward for \(patience) steps")
        break
      }
    }
    print(
      best.isFinite
        ? "best val/reward \(String(format: "%.4g", best)) saved as \(name)"
        : "no validation ran (val_check_interval \(interval)); nothing saved as \(name)")
    print("run directory \(log.directory.path)")
  }
}

/// Logs one step of a model-training loop and prints ten progress lines over the run.
func record(_ step: Int, _ loss: Float, of steps: Int, in log: RunLog) {
  try? log.record(["step": Double(step + 1), "loss": Double(loss)])
  if (step + 1) % max(steps / 10, 1) == 0 { print("  step \(step + 1): loss \(loss)") }
}
