import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import Foundation

/// Reads of the composed configuration that only the command line needs: run directories,
/// dataset files and the VAE for scoring outside training.
extension ComposedConfig {
  /// The run directory: `explicit` (--run-dir), else a new timestamped folder under
  /// `paths.output_dir/task_name`.
  func runDirectory(_ explicit: UserPath?) throws -> URL {
    if let explicit { return explicit.url }
    return RunLog.timestamped(
      under: LaunchDirectory.resolve(try string("paths.output_dir"))
        .appendingPathComponent(try string("task_name")))
  }

  /// The VAE of `rl_module.vae_ckpt_path` when that checkpoint exists, for scoring outside
  /// training with the features training uses; otherwise nil, with a note on stderr.
  func trainedVAE() -> CrystalVAE? {
    do {
      return try ModelCheckpoint.loadVAE(
        LaunchDirectory.resolve(try string("rl_module.vae_ckpt_path")))
    } catch {
      FileHandle.standardError.write(
        Data("note: no VAE for the diversity features (\(error))\n".utf8))
      return nil
    }
  }

  /// The CSV at dataset key `key` (`data.train_file`, ...); nil for the built-in library.
  func datasetFile(_ key: String) throws -> URL? {
    try string("data.name") == "builtin" ? nil : LaunchDirectory.resolve(try string(key))
  }

}

/// The structures of a dataset CSV (the built-in prototype library when `file` is nil),
/// keeping those with at most `maxAtoms` atoms.
func datasetStructures(_ file: URL?, maxAtoms: Int) throws -> [Structure] {
  let all =
    try file.map { try CDVAEDataset.read($0).map(\.structure) } ?? PrototypeLibrary.structures()
  let kept = all.filter { $0.count <= maxAtoms }
  guard !kept.isEmpty else {
    throw ConfigError(
      "no structure of \(file?.path ?? "the built-in library") has at most \(maxAtoms) atoms")
  }
  if kept.count < all.count {
    print("note: skipped \(all.count - kept.count) structures with more than \(maxAtoms) atoms")
  }
  return kept
}

/// What every model-training command reads: its training data, the loop's options (`trainer`
/// and `seed`), the name to register the result under, and the run directory.
struct TrainingJob {
  /// The training structures (nil: the built-in library).
  let trainFile: URL?
  let options: ModelTraining.Options
  let checkpointName: String
  let runDirectory: URL

  init(_ config: ComposedConfig, runDir: UserPath?) throws {
    trainFile = try config.datasetFile("data.train_file")
    options = try config.trainingOptions("trainer", seed: UInt64(try config.int("seed")))
    checkpointName = try config.string("checkpoint_name")
    runDirectory = try config.runDirectory(runDir)
  }
}
