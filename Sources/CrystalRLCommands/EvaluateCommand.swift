import ArgumentParser
import CrystalConfig
import CrystalCore
import Foundation
import RewardAssembly

/// `crystalrl evaluate`: validity, uniqueness, novelty and the reward components of a file of
/// (generated) structures.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Validity, unique, novel and reward components of a structure file.")

  @Option(help: "Structure file (a sample CSV, CIF or POSCAR).") var structures: String
  @OptionGroup var config: ConfigOptions

  /// What the command reads from configs/train_rl.yaml.
  struct Settings {
    /// `builtin` or the reference CSV (data.reference_file).
    let reference: String
    let rewardConfig: ConfigValue

    init(_ config: Interpolator) throws {
      reference = try config.string("data.reference_file")
      rewardConfig = try config.value("rl_module.reward_fn")
    }
  }

  func run() throws {
    let config = try self.config.load()
    let settings = try Settings(config)
    let loaded = try StructureFile.read(URL(fileURLWithPath: structures))
    guard !loaded.isEmpty else { throw ValidationError("\(structures) holds no structures") }
    var factory = RewardFactory(
      resolveDataset: try self.config.datasets().file, log: logToStandardError)
    factory.diversityVAE = { config.trainedVAE() }
    let report = try EvaluationReport(
      structures: loaded, reference: settings.reference,
      pipeline: try factory.makePipeline(settings.rewardConfig))
    print(report.table, terminator: "")
  }
}
