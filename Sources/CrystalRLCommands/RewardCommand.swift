import ArgumentParser
import CrystalConfig
import CrystalCore
import Foundation
import RewardAssembly

/// `crystalrl reward`: scores structures from a file with the configured reward pipeline.
struct RewardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reward",
    abstract: "Score structures (CIF, POSCAR or CDVAE-layout CSV) with a reward config.")

  @Option(
    help:
      "Structure file (.cif, POSCAR/.vasp, CDVAE-layout .csv), or `builtin` for the built-in prototype library."
  )
  var structures: UserPath

  @Option(help: "Output: table, csv or json.")
  var format: ReportFormat = .table

  @Option(help: "Score only the first N structures.")
  var limit: Int?

  @OptionGroup var config: ConfigOptions

  func run() throws {
    let config = try self.config.load()
    var factory = try self.config.rewardFactory(config)
    let pipeline = try factory.makePipeline(try config.node("rl_module.reward_fn"))
    let limit = self.limit.map { max($0, 0) }
    let loaded =
      structures.given == "builtin"
      ? Array(PrototypeLibrary.structures().prefix(limit ?? .max))
      : try StructureFile.read(structures.url, limit: limit)
    guard !loaded.isEmpty else {
      throw ValidationError("\(structures.given) holds no structures")
    }
    let report = try pipeline.score(loaded)
    print(ReportWriter(report: report, structures: loaded).render(format), terminator: "")
    for failure in report.failures {
      logToStandardError(
        "warning: component '\(failure.component)' failed (on_error: nan); its rewards are NaN: "
          + failure.message)
    }
    if report.abstainedCount > 0 {
      logToStandardError(
        "warning: \(report.abstainedCount) of \(loaded.count) structures have a NaN total")
    }
  }
}
