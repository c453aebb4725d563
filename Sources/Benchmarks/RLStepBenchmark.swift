import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import EnergyCalculation
import Foundation
import ProgressReporting
import ReferenceData
import ReferenceOracles
import RewardAssembly
import TensorEngine

/// One GRPO step with the DNG configuration at default model sizes (batch 5 × group 64, 50
/// DDIM steps, chunks of 64 samples, the DNG reward against perov_5), split into rollout,
/// reward, update and wall time, with the reward scored after the rollout (serial) and
/// overlapped with it, for energies from a table (the reward time is our code) and from CHGNet
/// with 1 and 2 worker processes; each configuration and mode runs `repetitions` times from
/// the same model and seed, so every run samples the same structures, and the runs' rewards
/// and updated models are checked to be identical. CHGNet needs the CHGNet environment
/// (`scripts/python-env.sh chgnet`) and, on first use, computes and caches perov_5's reference
/// energies (shared with `train-rl`). The models are made on first use (`rlStepModels`).
let rlStepBenchmark = Benchmark(name: "rl-step") {
  let repetitions = 3
  let (vaeURL, ldmURL) = try rlStepModels()
  let source = SharedData.url("perov_5/val.csv")
  let table = try SyntheticEnergies.table(try CDVAEDataset.read(source))
  let setups: [(label: String, calculator: String, workers: Int, cache: URL)] = [
    (
      "table energies", "table:\(table.path)", 1,
      FileManager.default.temporaryDirectory.appendingPathComponent("crystalrl-bench-cache")
    ),
    ("CHGNet, 1 worker", "chgnet", 1, ReferenceSet.defaultCacheDirectory),
    ("CHGNet, 2 workers", "chgnet", 2, ReferenceSet.defaultCacheDirectory),
  ]
  var outcomes: [(setup: String, overlap: Bool, step: StepOutcome)] = []
  for setup in setups {
    let config = Interpolator(
      root: try ConfigLoader(directory: try ConfigDirectory.locate()).compose(
        primary: "train_rl",
        overrides: [
          "custom_reward=rl_dng", "rl_module.rl_configs.num_group_samples=64",
          "rl_module.rl_configs.group_reward_norm=true",
          "rl_module.reward_fn.reference_dataset=\(source.path)",
          "rl_module.reward_fn.energy_calculator=\(setup.calculator)",
          "rl_module.reward_fn.energy_workers=\(setup.workers)",
        ]))
    let vae = try ModelCheckpoint.loadVAE(vaeURL)
    var factory = RewardFactory(
      log: { FileHandle.standardError.write(Data("\($0)\n".utf8)) },
      cacheDirectory: setup.cache)
    factory.diversityVAE = { vae }  // as train-rl does
    let reward = try factory.makePipeline(try config.value("rl_module.reward_fn"))
    var configuration = try config.grpoConfiguration()
    let progress = ProgressReporter("rl-step: \(setup.label)", total: 2 * repetitions)
    for _ in 0..<repetitions {
      for overlap in [false, true] {
        configuration.overlapReward = overlap
        let (model, atomCounts) = try ModelCheckpoint.loadDiffusion(ldmURL)
        let trainer = GRPOTrainer(
          vae: vae, model: model, reward: reward, configuration: configuration,
          atomCounts: atomCounts, seed: 4)
        let start = Date()
        let record = try trainer.trainStep()
        let wall = Date().timeIntervalSince(start)
        outcomes.append(
          (setup.label, overlap, StepOutcome(record: record, wall: wall, model: model)))
        progress.advance()
      }
    }
    progress.finish()
  }
  print(
    "one GRPO step, DNG reward (5 × 64 samples, 50 DDIM steps, rollout chunks of 64; "
      + "median [range] of \(repetitions) runs, seconds):")
  for setup in setups {
    for overlap in [false, true] {
      let runs = outcomes.filter { $0.setup == setup.label && $0.overlap == overlap }.map(\.step)
      func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        return String(
          format: "%.2f [%.2f–%.2f]", sorted[sorted.count / 2], sorted.first!, sorted.last!)
      }
      print(
        "  \(setup.label), \(overlap ? "overlapped" : "serial    "): rollout "
          + summary(runs.map(\.record.rolloutSeconds)) + ", reward "
          + summary(runs.map(\.record.rewardSeconds)) + ", update "
          + summary(runs.map(\.record.updateSeconds)) + ", wall " + summary(runs.map(\.wall)))
    }
    let walls = { (overlap: Bool) in
      outcomes.filter { $0.setup == setup.label && $0.overlap == overlap }.map(\.step.wall)
    }
    let ratios = zip(walls(false), walls(true)).map { $0 / $1 }.sorted()
    print(
      String(
        format: "    serial/overlapped wall, same-run pairs: median %.2f× [%.2f–%.2f×]",
        ratios[ratios.count / 2], ratios.first!, ratios.last!))
  }
  let reference = outcomes[0].step
  let sameWithTable = outcomes.filter { $0.setup == setups[0].label }.allSatisfy {
    $0.step.isIdentical(to: reference)
  }
  let chgnet = outcomes.filter { $0.setup != setups[0].label }.map(\.step)
  let sameWithCHGNet = chgnet.allSatisfy { $0.isIdentical(to: chgnet[0]) }
  print(
    "rewards and updated models identical across serial/overlapped runs: table energies "
      + "\(sameWithTable ? "yes" : "NO"); CHGNet (1 and 2 workers) \(sameWithCHGNet ? "yes" : "NO")"
  )
  if !sameWithCHGNet {
    let rewards = chgnet.map(\.record.reward)
    print(
      String(
        format: "  CHGNet mean rewards range over %.3g", rewards.max()! - rewards.min()!))
  }
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  print(String(format: "peak memory (host process): %.0f MiB", Double(usage.ru_maxrss) / 1024))
}

/// One timed GRPO step and what it produced.
struct StepOutcome {
  let record: GRPOTrainer.StepRecord
  let wall: Double
  /// The denoiser's parameters after the update.
  let parameters: [[Float]]

  init(record: GRPOTrainer.StepRecord, wall: Double, model: LatentDiffusion) {
    self.record = record
    self.wall = wall
    parameters = model.parameters.map(\.data)
  }

  /// Same rewards (mean and per component, bit for bit) and the same updated model.
  func isIdentical(to other: StepOutcome) -> Bool {
    record.reward.bitPattern == other.record.reward.bitPattern
      && record.componentMeans.mapValues(\.bitPattern)
        == other.record.componentMeans.mapValues(\.bitPattern)
      && parameters == other.parameters
  }
}

/// The VAE and diffusion checkpoints of the benchmark: train_vae's and train_ldm's model sizes
/// with vae.max_atoms 5, each trained for 300 steps on perov_5/val.csv through the library,
/// made on first use and kept in the cache (`$CRYSTALRL_CACHE/benchmarks`, by default
/// ~/.cache/crystalrl/benchmarks).
func rlStepModels() throws -> (vae: URL, ldm: URL) {
  let directory = ReferenceSet.defaultCacheDirectory.deletingLastPathComponent()
    .appendingPathComponent("benchmarks")
  let vaeURL = directory.appendingPathComponent("rl-step-perov_5_vae.safetensors")
  let ldmURL = directory.appendingPathComponent("rl-step-perov_5_ldm.safetensors")
  let manager = FileManager.default
  guard !manager.fileExists(atPath: vaeURL.path) || !manager.fileExists(atPath: ldmURL.path)
  else { return (vaeURL, ldmURL) }
  try manager.createDirectory(at: directory, withIntermediateDirectories: true)
  let loader = ConfigLoader(directory: try ConfigDirectory.locate())
  let overrides = ["data=perov_5", "trainer.max_steps=300"]
  let structures = try CDVAEDataset.read(SharedData.url("perov_5/val.csv")).map(\.structure)
    .filter { $0.count <= 5 }
  print("making the benchmark's models: VAE and diffusion model, 300 steps each, on perov_5")
  let vaeConfig = Interpolator(
    root: try loader.compose(primary: "train_vae", overrides: overrides + ["vae.max_atoms=5"]))
  var random = SeededRandom(seed: 0)
  let vae = CrystalVAE(try vaeConfig.vaeConfiguration(), random: &random)
  ModelTraining.trainVAE(
    vae, on: structures, options: try vaeConfig.trainingOptions("trainer", seed: 0)
  ) { _, _ in }
  try ModelCheckpoint.save(vae, to: vaeURL)
  let ldmConfig = Interpolator(
    root: try loader.compose(primary: "train_ldm", overrides: overrides))
  let model = LatentDiffusion(
    try ldmConfig.ldmConfiguration(), latentDimension: vae.configuration.latentDimension,
    random: &random)
  let encoded = ModelTraining.encode(structures, with: vae)
  ModelTraining.trainDiffusion(
    model, latents: encoded.latents, weights: encoded.weights, tokens: vae.configuration.maxAtoms,
    options: try ldmConfig.trainingOptions("trainer", seed: 1)
  ) { _, _ in }
  try ModelCheckpoint.save(model, atomCounts: structures.map(\.count), to: ldmURL)
  return (vaeURL, ldmURL)
}
