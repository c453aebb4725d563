import CrystalConfig
import CrystalModels
import Foundation

/// The models' and trainers' settings, read from a composed configuration. Every default lives
/// in the YAML under configs/; a missing key is an error naming it.
///
/// ```swift
/// let grpo = try config.grpoConfiguration()
/// let loop = try config.rlRunSettings()
/// ```
extension ComposedConfig {
  /// The VAE's sizes under `vae`.
  public func vaeConfiguration() throws -> CrystalVAE.Configuration {
    CrystalVAE.Configuration(
      width: try int("vae.width"), latentDimension: try int("vae.latent_dimension"),
      heads: try int("vae.heads"), depth: try int("vae.depth"), maxAtoms: try int("vae.max_atoms"),
      klWeight: Float(try double("vae.kl_weight")))
  }

  /// The diffusion model's sizes and sampler under `ldm`.
  public func ldmConfiguration() throws -> LatentDiffusion.Configuration {
    let sampling = try sampling(at: "ldm")
    return LatentDiffusion.Configuration(
      width: try int("ldm.width"), depth: try int("ldm.depth"), heads: try int("ldm.heads"),
      samplingSteps: sampling.steps, eta: sampling.eta)
  }

  /// Steps, batch size, learning rate and seed of a model-training loop under `prefix`.
  public func trainingOptions(_ prefix: String, seed: UInt64) throws -> ModelTraining.Options {
    ModelTraining.Options(
      steps: try int("\(prefix).max_steps"), batchSize: try int("\(prefix).batch_size"),
      learningRate: Float(try double("\(prefix).lr")), seed: seed)
  }

  /// The Min-SNR-γ weighting of the diffusion loss at `path`: a positive number, or null for
  /// the plain loss.
  public func minSNRGamma(_ path: String) throws -> Double? {
    let setting = try node(path)
    if case .null = try setting.required() { return nil }
    let gamma = try setting.double()
    guard gamma > 0 else { throw setting.error("must be positive or null, got \(gamma)") }
    return gamma
  }

  /// GRPO's settings: `data.batch_size` prompts, `rl_module.rl_configs`, `.optimizer` and
  /// `.sampling_configs`.
  public func grpoConfiguration() throws -> GRPOTrainer.Configuration {
    let rl = "rl_module.rl_configs"
    return GRPOTrainer.Configuration(
      batchSize: try positiveInt("data.batch_size"),
      numGroupSamples: try positiveInt("\(rl).num_group_samples"),
      groupRewardNorm: try bool("\(rl).group_reward_norm"),
      numInnerBatch: try positiveInt("\(rl).num_inner_batch"),
      rolloutChunkSize: try positiveInt("\(rl).rollout_chunk_size"),
      overlapReward: try bool("\(rl).overlap_reward"),
      clipRatio: Float(try double("\(rl).clip_ratio")),
      klWeight: Float(try double("\(rl).kl_weight")),
      entropyWeight: Float(try double("\(rl).entropy_weight")),
      learningRate: Float(try double("rl_module.optimizer.lr")),
      weightDecay: Float(try double("rl_module.optimizer.weight_decay")),
      sampling: try sampling(at: "rl_module.sampling_configs"))
  }

  /// The RL loop's `trainer` settings.
  public func rlRunSettings() throws -> RLRun.Settings {
    RLRun.Settings(
      maxSteps: try int("trainer.max_steps"),
      validationInterval: try positiveInt("trainer.val_check_interval"),
      validationSamples: try positiveInt("trainer.val_samples"),
      earlyStoppingPatience: try int("trainer.early_stopping_patience"),
      maxConsecutiveFailures: try positiveInt("trainer.max_consecutive_failures"),
      metastableThreshold: try double("evaluation.metastable_threshold"))
  }

  /// DDIM settings under `prefix`: `sampling_steps` (1...1000) and `eta` (>= 0), and, where
  /// the node has one, `sampler` (only `ddim`).
  public func sampling(at prefix: String) throws -> LatentDiffusion.Sampling {
    let sampler = try node("\(prefix).sampler")
    if let name = try sampler.optional({ try $0.string() }), name != "ddim" {
      throw sampler.error("must be ddim, got '\(name)'")
    }
    let stepsNode = try node("\(prefix).sampling_steps")
    let steps = try stepsNode.int()
    let limit = DiffusionSchedule().steps
    guard (1...limit).contains(steps) else {
      throw stepsNode.error("must be in 1...\(limit), got \(steps)")
    }
    let etaNode = try node("\(prefix).eta")
    let eta = try etaNode.double()
    guard eta >= 0 else { throw etaNode.error("must be >= 0, got \(eta)") }
    return LatentDiffusion.Sampling(steps: steps, eta: eta)
  }
}
