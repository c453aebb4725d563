import ArgumentParser
import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import DNGRewardMetrics
import Foundation
import ReferenceData
import RewardPipeline
import TensorEngine

/// `crystalrl sample`: generates structures with a trained VAE and diffusion model and writes
/// them as a CDVAE-layout CSV (material_id, cif).
struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample", abstract: "Generate structures from trained checkpoints.")

  @Option(help: "Number of structures.") var count = 100
  @Option(help: "Output CSV (default: samples.csv in the run directory).") var output: String?
  @Option(help: "Run directory (default: ./runs/<time>).") var runDir: String?
  @Option(help: "Diffusion checkpoint: a store name or a path (default: rl_module.ldm_ckpt_path).")
  var ldm: String?
  @Option(help: "Random seed.") var seed: UInt64 = 0
  @OptionGroup var config: ConfigOptions

  func run() throws {
    let settings = try config.load()
    let vae = try ModelCheckpoint.loadVAE(
      URL(fileURLWithPath: try settings.string("rl_module.vae_ckpt_path")))
    let ldmURL =
      try ldm.map {
        $0.contains("/") ? URL(fileURLWithPath: $0) : try CheckpointStore.standard.url(for: $0)
      }
      ?? URL(fileURLWithPath: try settings.string("rl_module.ldm_ckpt_path"))
    let (model, atomCounts) = try ModelCheckpoint.loadDiffusion(ldmURL)
    var random = SeededRandom(seed: seed)
    let counts = (0..<count).map { _ in atomCounts[Int(random.next() % UInt64(atomCounts.count))] }
    var structures: [Structure] = []
    for start in stride(from: 0, to: count, by: 64) {
      let part = Array(counts[start..<min(start + 64, count)])
      let trajectory = model.sample(
        atomCounts: part, tokens: vae.configuration.maxAtoms, random: &random)
      structures += ModelTraining.decode(
        trajectory.latents.last!, weights: trajectory.weights, vae: vae,
        ids: part.indices.map { "sample-\(start + $0)" })
    }
    let destination: URL
    if let output {
      destination = URL(fileURLWithPath: output)
    } else {
      destination = try RunLog(directory: runDir.map { URL(fileURLWithPath: $0) }).directory
        .appendingPathComponent("samples.csv")
    }
    let rows = structures.map { structure in
      "\(structure.id),\"\(CIF.write(structure).replacingOccurrences(of: "\"", with: "\"\""))\""
    }
    try (["material_id,cif"] + rows).joined(separator: "\n").appending("\n")
      .write(to: destination, atomically: true, encoding: .utf8)
    print("wrote \(structures.count) structures to \(destination.path)")
  }
}

/// `crystalrl evaluate`: validity, uniqueness, novelty and the reward components of a file of
/// (generated) structures.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Validity, unique, novel and reward components of a structure file.")

  @Option(help: "Structure file (a sample CSV, CIF or POSCAR).") var structures: String
  @OptionGroup var config: ConfigOptions

  func run() throws {
    let settings = try config.load()
    let loaded = try StructureFile.read(URL(fileURLWithPath: structures))
    guard !loaded.isEmpty else { throw ValidationError("\(structures) holds no structures") }
    let valid = loaded.map {
      $0.volume > 0 && $0.minimumInteratomicDistance > 0.5
    }
    let referenceName = try settings.string("data.reference_file")
    let reference =
      referenceName == "builtin"
      ? ReferenceSet.builtin
      : try ReferenceSet.load(
        URL(fileURLWithPath: referenceName), cacheDirectory: ReferenceSet.defaultCacheDirectory)
    let context = ReferenceContext(reference: reference)
    let batch = StructureBatch(loaded)
    let unique = try UniqueMetric(context: context).compute(batch).values
    let novel = try NovelMetric(context: context).compute(batch).values
    var factory = RewardFactory(resolveDataset: config.datasetFile)
    factory.diversityVAE = { settings.trainedVAE() }
    let report = try factory.makePipeline(try settings.value("rl_module.reward_fn")).score(loaded)
    func fraction(_ values: [Double]) -> String {
      String(format: "%.3f", values.reduce(0, +) / Double(values.count))
    }
    var rows: [(String, String)] = [
      ("structures", "\(loaded.count)"),
      ("valid (distances > 0.5 Å, volume > 0)", fraction(valid.map { $0 ? 1 : 0 })),
      ("unique", fraction(unique)),
      ("novel (vs \(reference.source))", fraction(novel)),
      ("unique and novel", fraction(zip(unique, novel).map { $0 * $1 })),
    ]
    for component in report.components {
      rows.append(
        (
          "mean reward: \(component.name)",
          String(format: "%.4g", component.raw.reduce(0, +) / Double(loaded.count))
        ))
    }
    rows.append(
      (
        "mean total reward",
        String(format: "%.4g", report.total.reduce(0, +) / Double(loaded.count))
      ))
    let width = rows.map(\.0.count).max()!
    for (name, value) in rows {
      print(name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value)
    }
  }
}
