import ArgumentParser
import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import Foundation
import Randomness

/// `crystalrl train-vae`: trains the crystal VAE on a dataset and registers it in the store.
struct TrainVAECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-vae", abstract: "Train the crystal VAE (configs/train_vae.yaml).")

  @Option(help: "Run directory (default: paths.output_dir/task_name/<time>).") var runDir: UserPath?
  @OptionGroup var config: ConfigOptions

  /// What the command reads from configs/train_vae.yaml.
  struct Settings {
    let vae: CrystalVAE.Configuration
    let job: TrainingJob
    /// Held-out structures for the reconstruction report (nil: the built-in library).
    let validationFile: URL?

    init(_ config: ComposedConfig, runDir: UserPath?) throws {
      vae = try config.vaeConfiguration()
      job = try TrainingJob(config, runDir: runDir)
      validationFile = try config.datasetFile("data.val_file")
    }

    /// The training structures, and up to 200 held-out ones (`data.val_file`; a sample of the
    /// training set for the built-in library) for the reconstruction report.
    func structures() throws -> (training: [Structure], heldOut: [Structure]) {
      let training = try datasetStructures(job.trainFile, maxAtoms: vae.maxAtoms)
      let pool =
        validationFile == nil
        ? training : try datasetStructures(validationFile, maxAtoms: vae.maxAtoms)
      let count = min(200, pool.count)
      return (training, (0..<count).map { pool[$0 * pool.count / count] })
    }
  }

  func run() throws {
    let settings = try Settings(try config.load(primary: "train_vae"), runDir: runDir)
    let (structures, heldOut) = try settings.structures()
    var random = SeededRandom(seed: settings.job.options.seed)
    let vae = CrystalVAE(settings.vae, random: &random)
    let log = try RunLog(directory: settings.job.runDirectory)
    print(
      "training the VAE on \(structures.count) structures for \(settings.job.options.steps) steps")
    try ModelTraining.trainVAE(vae, on: structures, options: settings.job.options) {
      step, loss in
      try record(step, loss, of: settings.job.options.steps, in: log)
    }
    print(ReconstructionReport(vae: vae, structures: heldOut))
    try ModelCheckpoint.save(
      vae, to: try CheckpointStore.standard.url(for: settings.job.checkpointName))
    try ModelCheckpoint.save(vae, to: log.directory.appendingPathComponent("vae.safetensors"))
    print("saved checkpoint \(settings.job.checkpointName); run directory \(log.directory.path)")
  }
}

/// Logs one step of a model-training loop and prints ten progress lines over the run; a failed
/// write (a full disk) is an error that ends the run.
func record(_ step: Int, _ loss: Float, of steps: Int, in log: RunLog) throws {
  try log.record(["step": Double(step + 1), "loss": Double(loss)])
  if (step + 1) % max(steps / 10, 1) == 0 { print("  step \(step + 1): loss \(loss)") }
}
