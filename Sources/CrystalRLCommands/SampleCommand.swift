import ArgumentParser
import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import Foundation

/// `crystalrl sample`: generates structures with a trained VAE and diffusion model and writes
/// them as a CDVAE-layout CSV (material_id, cif).
struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample", abstract: "Generate structures from trained checkpoints.")

  @Option(help: "Number of structures.") var count = 100
  @Option(help: "Output CSV (default: samples.csv in the run directory).") var output: UserPath?
  @Option(help: "Run directory (default: paths.output_dir/task_name/<time>).") var runDir: UserPath?
  @Option(help: "Diffusion checkpoint: a store name or a path (default: rl_module.ldm_ckpt_path).")
  var ldm: String?
  @Option(help: "Random seed.") var seed: UInt64 = 0
  @OptionGroup var config: ConfigOptions

  /// What the command reads from configs/train_rl.yaml.
  struct Settings {
    let vaeCheckpoint: URL
    /// Nil when --ldm names the checkpoint.
    let ldmCheckpoint: URL?
    let sampling: LatentDiffusion.Sampling
    let runDirectory: URL

    init(_ config: ComposedConfig, ldmGiven: Bool, runDir: UserPath?) throws {
      vaeCheckpoint = LaunchDirectory.resolve(try config.string("rl_module.vae_ckpt_path"))
      ldmCheckpoint =
        ldmGiven ? nil : LaunchDirectory.resolve(try config.string("rl_module.ldm_ckpt_path"))
      sampling = try config.sampling(at: "rl_module.sampling_configs")
      runDirectory = try config.runDirectory(runDir)
    }
  }

  func run() throws {
    let settings = try Settings(try config.load(), ldmGiven: ldm != nil, runDir: runDir)
    let vae = try ModelCheckpoint.loadVAE(settings.vaeCheckpoint)
    let ldmURL =
      try ldm.map {
        $0.contains("/")
          ? LaunchDirectory.resolve($0) : try CheckpointStore.standard.existing($0)
      } ?? settings.ldmCheckpoint!
    let (model, atomCounts) = try ModelCheckpoint.loadDiffusion(ldmURL)
    let structures = sampleStructures(
      count: count, vae: vae, model: model, atomCounts: atomCounts, sampling: settings.sampling,
      seed: seed)
    let destination: URL
    if let output {
      destination = output.url
    } else {
      try FileManager.default.createDirectory(
        at: settings.runDirectory, withIntermediateDirectories: true)
      destination = settings.runDirectory.appendingPathComponent("samples.csv")
    }
    try CDVAEDataset.csv(structures).write(to: destination, atomically: true, encoding: .utf8)
    print("wrote \(structures.count) structures to \(destination.path)")
  }
}
