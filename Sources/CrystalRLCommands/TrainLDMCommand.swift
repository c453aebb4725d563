import ArgumentParser
import CrystalConfig
import CrystalModels
import CrystalTraining
import Foundation
import Randomness

/// `crystalrl train-ldm`: trains the latent diffusion model on a VAE's latents.
struct TrainLDMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-ldm", abstract: "Train the latent diffusion model (configs/train_ldm.yaml)."
  )

  @Option(help: "Run directory (default: paths.output_dir/task_name/<time>).") var runDir: UserPath?
  @OptionGroup var config: ConfigOptions

  /// What the command reads from configs/train_ldm.yaml.
  struct Settings {
    let vaeCheckpoint: URL
    let ldm: LatentDiffusion.Configuration
    let minSNRGamma: Double?
    let job: TrainingJob

    init(_ config: ComposedConfig, runDir: UserPath?) throws {
      vaeCheckpoint = LaunchDirectory.resolve(try config.string("vae_ckpt_path"))
      ldm = try config.ldmConfiguration()
      minSNRGamma = try config.minSNRGamma("trainer.min_snr_gamma")
      job = try TrainingJob(config, runDir: runDir)
    }
  }

  func run() throws {
    let settings = try Settings(try config.load(primary: "train_ldm"), runDir: runDir)
    let vae = try ModelCheckpoint.loadVAE(settings.vaeCheckpoint)
    let structures = try datasetStructures(
      settings.job.trainFile, maxAtoms: vae.configuration.maxAtoms)
    var random = SeededRandom(seed: settings.job.options.seed)
    let model = LatentDiffusion(
      settings.ldm, latentDimension: vae.configuration.latentDimension, random: &random)
    let encoded = ModelTraining.encode(structures, with: vae)
    let log = try RunLog(directory: settings.job.runDirectory)
    let steps = settings.job.options.steps
    print(
      "training the diffusion model on \(structures.count) encoded structures for \(steps) steps")
    try ModelTraining.trainDiffusion(
      model, latents: encoded.latents, weights: encoded.weights,
      tokens: vae.configuration.maxAtoms, options: settings.job.options,
      minSNRGamma: settings.minSNRGamma
    ) { step, loss in try record(step, loss, of: steps, in: log) }
    let standardization = model.standardization
    print(
      String(
        format: "latents standardized per dimension: std %.2f to %.2f, |mean| up to %.2f",
        standardization.std.min()!, standardization.std.max()!,
        standardization.mean.map(abs).max()!))
    let atomCounts = structures.map(\.count)
    try ModelCheckpoint.save(
      model, atomCounts: atomCounts,
      to: try CheckpointStore.standard.url(for: settings.job.checkpointName))
    try ModelCheckpoint.save(
      model, atomCounts: atomCounts, to: log.directory.appendingPathComponent("ldm.safetensors"))
    print("saved checkpoint \(settings.job.checkpointName); run directory \(log.directory.path)")
  }
}
