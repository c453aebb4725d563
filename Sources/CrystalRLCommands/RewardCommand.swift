import ArgumentParser
import CrystalConfig
import CrystalCore
import Foundation
import RewardPipeline

/// `crystalrl reward`: scores structures from a file with the configured reward pipeline.
struct RewardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reward",
    abstract: "Score structures (CIF, POSCAR or CDVAE-layout CSV) with a reward config.")

  @Option(
    help:
      "Structure file (.cif, POSCAR/.vasp, CDVAE-layout .csv), or `builtin` for the built-in prototype library."
  )
  var structures: String

  @Option(help: "Output: table, csv or json.")
  var format: ReportFormat = .table

  @Option(help: "Score only the first N structures.")
  var limit: Int?

  @OptionGroup var config: ConfigOptions

  func run() throws {
    let interpolator = try config.load()
    guard let rewardConfig = try interpolator.resolved(at: "rl_module.reward_fn") else {
      throw ConfigError("the composed configuration has no rl_module.reward_fn")
    }
    var factory = RewardFactory(
      resolveDataset: config.datasetFile,
      log: { FileHandle.standardError.write(Data("\($0)\n".utf8)) })
    factory.diversityVAE = { interpolator.trainedVAE() }
    let pipeline = try factory.makePipeline(rewardConfig)
    let limit = self.limit.map { max($0, 0) }
    let loaded =
      structures == "builtin"
      ? Array(PrototypeLibrary.structures().prefix(limit ?? .max))
      : try StructureFile.read(URL(fileURLWithPath: structures), limit: limit)
    guard !loaded.isEmpty else { throw ValidationError("\(structures) holds no structures") }
    let report = try pipeline.score(loaded)
    print(ReportWriter(report: report, structures: loaded).render(format), terminator: "")
  }
}
