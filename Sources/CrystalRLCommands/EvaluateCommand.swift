import ArgumentParser
import CrystalConfig
import CrystalCore
import Foundation
import RewardAssembly

/// `crystalrl evaluate`: Chemeleon2's evaluation of a file of (generated) structures — valid,
/// composition_valid, unique, novel, e_above_hull, stable, metastable, S.U.N., M.S.U.N. — and
/// the mean of each reward component.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Valid, unique, novel, stable, S.U.N. and reward components of a structure file.")

  @Option(help: "Structure file (a sample CSV, CIF or POSCAR).") var structures: UserPath
  @Option(help: "Output format: table, csv or json.") var format = ReportFormat.table
  @Option(help: "Also write one CSV row per structure, with every flag, to this file.")
  var perStructure: UserPath?
  @OptionGroup var config: ConfigOptions

  /// What the command reads from configs/train_rl.yaml.
  struct Settings {
    /// `builtin` or the reference CSV (data.reference_file).
    let reference: String
    let rewardConfig: ConfigNode
    let thresholds: EvaluationReport.Thresholds
    /// The calculator of `evaluation.energy_calculator` (with `evaluation.energy_calculator_kwargs`
    /// and `evaluation.energy_python`); nil for `none`.
    let energyCalculator: EnergyCalculatorSpec?
    /// Energy worker processes, as the reward's (`rl_module.reward_fn.energy_workers`).
    let energyWorkers: Int
    /// Phase-diagram entries beside the reference set's (`evaluation.hull_references`).
    let hullReferences: HullReferences

    init(_ config: ComposedConfig) throws {
      reference = try config.string("data.reference_file")
      rewardConfig = try config.node("rl_module.reward_fn")
      thresholds = .init(
        stable: try config.double("evaluation.stable_threshold"),
        metastable: try config.double("evaluation.metastable_threshold"))
      let evaluation = try config.node("evaluation")
      energyCalculator =
        try evaluation["energy_calculator"].string() == "none"
        ? nil : try EnergyCalculatorSpec(settingsIn: evaluation)
      energyWorkers = try RewardFactory.energyWorkers(of: rewardConfig)
      hullReferences = try HullReferences(try config.node("evaluation.hull_references"))
    }
  }

  func run() throws {
    let config = try self.config.load()
    let settings = try Settings(config)
    let loaded = try StructureFile.read(structures.url)
    guard !loaded.isEmpty else {
      throw ValidationError("\(structures.given) holds no structures")
    }
    var factory = RewardFactory(
      resolveDataset: try self.config.datasetResolver(), log: logToStandardError)
    factory.diversityVAE = { config.trainedVAE() }
    let pipeline = try factory.makePipeline(settings.rewardConfig)
    let reference = try factory.reference(named: settings.reference)
    let report = try EvaluationReport(
      structures: loaded, reference: reference, pipeline: pipeline,
      energyAboveHull: try settings.energyCalculator.map {
        try factory.energyAboveHull(
          reference: reference.reference, calculator: $0, workers: settings.energyWorkers,
          hullReferences: settings.hullReferences)
      }, thresholds: settings.thresholds)
    switch format {
    case .table: print(report.table, terminator: "")
    case .csv: print(report.csv, terminator: "")
    case .json: print(report.json, terminator: "")
    }
    if let perStructure {
      try report.perStructureCSV.write(to: perStructure.url, atomically: true, encoding: .utf8)
    }
  }
}
