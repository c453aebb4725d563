import ArgumentParser
import CrystalConfig
import CrystalModels
import CrystalTraining
import Foundation
import RewardAssembly

/// `crystalrl train-rl`: GRPO fine-tuning of the denoiser against the reward pipeline, with
/// validation, best-reward checkpointing, early stopping and resuming.
struct TrainRLCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-rl",
    abstract: "Fine-tune the diffusion model with GRPO (configs/train_rl.yaml).")

  @Option(help: "Run directory (default: paths.output_dir/task_name/<time>).") var runDir: UserPath?
  @Flag(help: "Continue the run in --run-dir from its last saved step.") var resume = false
  @OptionGroup var config: ConfigOptions

  /// What the command reads from configs/train_rl.yaml.
  struct Settings {
    let vaeCheckpoint: URL
    let ldmCheckpoint: URL
    let rewardConfig: ConfigNode
    let grpo: GRPOTrainer.Configuration
    let loop: RLRun.Settings
    let seed: UInt64
    let checkpointName: String
    let runDirectory: URL

    init(_ config: ComposedConfig, runDir: UserPath?) throws {
      vaeCheckpoint = LaunchDirectory.resolve(try config.string("rl_module.vae_ckpt_path"))
      ldmCheckpoint = LaunchDirectory.resolve(try config.string("rl_module.ldm_ckpt_path"))
      rewardConfig = try config.node("rl_module.reward_fn")
      grpo = try config.grpoConfiguration()
      loop = try config.rlRunSettings()
      seed = UInt64(try config.int("seed"))
      checkpointName = try config.string("checkpoint_name")
      runDirectory = try config.runDirectory(runDir)
    }
  }

  func run() throws {
    guard !resume || runDir != nil else { throw ValidationError("--resume needs --run-dir") }
    let settings = try Settings(try config.load(), runDir: runDir)
    let vae = try ModelCheckpoint.loadVAE(settings.vaeCheckpoint)
    let last = settings.runDirectory.appendingPathComponent("last.safetensors")
    let resuming = resume && FileManager.default.fileExists(atPath: last.path)
    let (model, atomCounts) = try ModelCheckpoint.loadDiffusion(
      resuming ? last : settings.ldmCheckpoint)
    var factory = RewardFactory(
      resolveDataset: try config.datasetResolver(), log: logToStandardError)
    factory.diversityVAE = { vae }
    let trainer = GRPOTrainer(
      vae: vae, model: model, reward: try factory.makePipeline(settings.rewardConfig),
      configuration: settings.grpo, atomCounts: atomCounts, seed: settings.seed)
    let run = RLRun(
      trainer: trainer, settings: settings.loop,
      log: try RunLog(directory: settings.runDirectory, continuing: resuming)
    ) { model in
      try ModelCheckpoint.save(
        model, atomCounts: atomCounts,
        to: try CheckpointStore.standard.url(for: settings.checkpointName))
    }
    if resuming {
      try run.resume(seed: settings.seed)
      print("resuming after step \(trainer.step)")
    }
    let summary = try run.run(progress: printProgress)
    print(
      summary.bestValidation.map {
        "best val/reward \(String(format: "%.4g", $0)) saved as \(settings.checkpointName)"
      }
        ?? "no validation ran (val_check_interval \(settings.loop.validationInterval)); "
        + "nothing saved as \(settings.checkpointName)")
    print("run directory \(run.log.directory.path)")
  }
}

/// Prints one line per RL step (with its validation reward and timings) and the early stop.
func printProgress(_ event: RLRun.Event) {
  switch event {
  case .step(let record, let validation):
    print(
      "step \(record.step): reward \(String(format: "%.4g", record.reward)) "
        + "kl \(String(format: "%.3g", record.kl))"
        + (validation.map {
          String(
            format: "  val/reward %.4g (valid %.2f, composition valid %.2f", $0.reward, $0.valid,
            $0.compositionValid)
            + ($0.dng["msun"].map { String(format: ", msun %.2f", $0) } ?? "") + ")"
        } ?? "")
        + String(
          format: "  (rollout %.1fs, reward %.2fs, update %.1fs)", record.rolloutSeconds,
          record.rewardSeconds, record.updateSeconds))
  case .skipped(let step, let component, let error):
    print("step \(step): skipped, no update: component '\(component)' failed: \(error)")
  case .stoppedEarly(let patience):
    print("early stopping: no better val/reward for \(patience) steps")
  }
}

/// Progress messages of the reward setup (reference sets, energies), on standard error so
/// they never mix with a report on standard output.
public func logToStandardError(_ message: String) {
  FileHandle.standardError.write(Data("\(message)\n".utf8))
}
