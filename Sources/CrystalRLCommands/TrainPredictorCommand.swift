import ArgumentParser
import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import Foundation
import Randomness

/// `crystalrl train-predictor`: trains a property predictor on a frozen VAE's latents
/// (Chemeleon2's `train_predictor.py`) for one numeric column of a CDVAE-layout dataset, reports its
/// validation error next to the predict-the-mean baseline, and registers it in the store.
struct TrainPredictorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-predictor",
    abstract: "Train a property predictor on VAE latents (configs/train_predictor.yaml).")

  @Option(help: "Run directory (default: paths.output_dir/task_name/<time>).") var runDir: UserPath?
  @OptionGroup var config: ConfigOptions

  /// What the command reads from configs/train_predictor.yaml.
  struct Settings {
    let vaeCheckpoint: URL
    let target: String
    let hidden: Int
    let useEncoderFeatures: Bool
    let validationFraction: Double
    let job: TrainingJob

    init(_ config: ComposedConfig, runDir: UserPath?) throws {
      vaeCheckpoint = LaunchDirectory.resolve(try config.string("vae_ckpt_path"))
      target = try config.string("predictor.target_name")
      hidden = try config.int("predictor.hidden")
      useEncoderFeatures = try config.bool("predictor.use_encoder_features")
      validationFraction = try config.double("predictor.validation_fraction")
      job = try TrainingJob(config, runDir: runDir)
    }
  }

  func run() throws {
    let settings = try Settings(try config.load(primary: "train_predictor"), runDir: runDir)
    let vae = try ModelCheckpoint.loadVAE(settings.vaeCheckpoint)
    let target = settings.target
    let (structures, values) = try labelled(
      settings.job.trainFile, target: target, maxAtoms: vae.configuration.maxAtoms)
    var random = SeededRandom(seed: settings.job.options.seed)
    let order = Array(0..<structures.count).shuffled(using: &random)
    let held = Int((Double(structures.count) * settings.validationFraction).rounded())
    guard held >= 1, held < structures.count else {
      throw ConfigError(
        "predictor.validation_fraction leaves no training or no validation structure "
          + "among \(structures.count)")
    }
    let (validation, training) = (Array(order[..<held]), Array(order[held...]))
    let trainingValues = training.map { values[$0] }
    let mean = trainingValues.reduce(0, +) / Double(training.count)
    let std =
      (trainingValues.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
      / Double(max(training.count - 1, 1))).squareRoot()
    var predictorConfiguration = PropertyPredictor.Configuration(
      targetName: target, mean: mean, std: std)
    predictorConfiguration.hidden = settings.hidden
    predictorConfiguration.useEncoderFeatures = settings.useEncoderFeatures
    let predictor = PropertyPredictor(
      vae: vae, configuration: predictorConfiguration, random: &random)

    print("encoding \(structures.count) structures with the frozen VAE")
    let features = predictor.features(training.map { structures[$0] })
    let log = try RunLog(directory: settings.job.runDirectory)
    let steps = settings.job.options.steps
    print(
      "training the \(target) predictor on \(training.count) structures (\(held) held out) "
        + "for \(steps) steps")
    try ModelTraining.trainPredictor(
      predictor, features: features, targets: trainingValues,
      options: settings.job.options
    ) { step, loss in try record(step, loss, of: steps, in: log) }

    let predicted = predictor.predict(validation.map { structures[$0] })
    let actual = validation.map { values[$0] }
    let error = zip(predicted, actual).map { abs($0 - $1) }.reduce(0, +) / Double(held)
    let baseline = actual.map { abs($0 - mean) }.reduce(0, +) / Double(held)
    try log.record(["validation_mae": error, "baseline_mae": baseline])
    print(
      String(
        format: "validation MAE of %@: %.4g (predicting the training mean: %.4g) on %d structures",
        target, error, baseline, held))
    let name = settings.job.checkpointName
    try ModelCheckpoint.save(predictor, to: try CheckpointStore.standard.url(for: name))
    try ModelCheckpoint.save(
      predictor, to: log.directory.appendingPathComponent("predictor.safetensors"))
    print("saved checkpoint \(name); run directory \(log.directory.path)")
  }

  /// The dataset's structures with a finite value in column `target`, at most `maxAtoms` atoms.
  private func labelled(_ url: URL?, target: String, maxAtoms: Int) throws -> (
    [Structure], [Double]
  ) {
    guard let url else {
      throw ConfigError(
        "the built-in prototype library has no property columns; train a predictor on a "
          + "dataset, e.g. data=perov_5 predictor.target_name=heat_ref")
    }
    let file = url.path
    let records = try CDVAEDataset.read(url)
    guard let first = records.first, first.columns[target] != nil else {
      let numeric = (records.first?.columns ?? [:]).filter { Double($0.value) != nil }.keys
      throw ConfigError(
        "\(file) has no column '\(target)' (predictor.target_name); numeric columns: "
          + numeric.filter { $0 != "material_id" && !$0.isEmpty }.sorted().joined(separator: ", "))
    }
    let kept = records.compactMap { record -> (Structure, Double)? in
      guard record.structure.count <= maxAtoms,
        let value = record.columns[target].flatMap(Double.init), value.isFinite
      else { return nil }
      return (record.structure, value)
    }
    guard kept.count >= 2 else {
      throw ConfigError("\(file) has fewer than 2 structures with a numeric \(target)")
    }
    if kept.count < records.count {
      print(
        "note: skipped \(records.count - kept.count) structures without a numeric \(target) "
          + "or with more than \(maxAtoms) atoms")
    }
    return (kept.map(\.0), kept.map(\.1))
  }
}
