import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import EnergyCalculation
import Foundation
import LocalCache
import ProgressReporting
import ReferenceData
import ReferenceOracles
import RewardAssembly
import TensorEngine

/// One GRPO step with the DNG configuration at default model sizes (batch 5 × group 64, 50
/// DDIM steps, the DNG reward against perov_5), split into rollout, reward, update and wall
/// time, in three modes (`RLStepMode`): as before overlapping (the rollout in one piece, then
/// the reward), chunks of 64 scored after the rollout (serial), and chunks scored while the
/// next is sampled (overlapped); for energies from a table (the reward time is our code) and
/// from CHGNet with 1 and 2 worker processes. Each configuration and mode runs
/// `CRYSTALRL_RL_STEP_RUNS` times (default 3) from the same model and seed, interleaved, so the chunked runs all sample the same
/// structures; their rewards and updated models are checked to be identical. CHGNet needs the
/// CHGNet environment (`scripts/python-env.sh chgnet`) and, on first use, computes and caches
/// perov_5's reference energies (shared with `train-rl`). The models are made on first use
/// (`rlStepModels`).
let rlStepBenchmark = Benchmark(name: "rl-step") {
  let setting = ProcessInfo.processInfo.environment["CRYSTALRL_RL_STEP_RUNS"] ?? "3"
  guard let repetitions = Int(setting), repetitions > 0 else {
    throw BenchmarkError("CRYSTALRL_RL_STEP_RUNS must be a positive integer, got '\(setting)'")
  }
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
  var outcomes: [(setup: String, mode: RLStepMode, step: StepOutcome)] = []
  for setup in setups {
    let config = ComposedConfig(
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
    let reward = try factory.makePipeline(try config.node("rl_module.reward_fn"))
    let configuration = try config.grpoConfiguration()
    let progress = ProgressReporter(
      "rl-step: \(setup.label)", total: RLStepMode.allCases.count * repetitions)
    for _ in 0..<repetitions {
      for mode in RLStepMode.allCases {
        let (model, atomCounts) = try ModelCheckpoint.loadDiffusion(ldmURL)
        let trainer = GRPOTrainer(
          vae: vae, model: model, reward: reward, configuration: mode.applied(to: configuration),
          atomCounts: atomCounts, seed: 4)
        let start = Date()
        let record = try trainer.trainStep()
        let wall = Date().timeIntervalSince(start)
        outcomes.append((setup.label, mode, StepOutcome(record: record, wall: wall, model: model)))
        progress.advance()
      }
    }
    progress.finish()
  }
  func runs(_ setup: String, _ mode: RLStepMode) -> [StepOutcome] {
    outcomes.filter { $0.setup == setup && $0.mode == mode }.map(\.step)
  }
  func summary(_ values: [Double], unit: String = "") -> String {
    let sorted = values.sorted()
    return String(
      format: "%.2f\(unit) [%.2f–%.2f\(unit)]", sorted[sorted.count / 2], sorted.first!,
      sorted.last!)
  }
  print(
    "one GRPO step, DNG reward (5 × 64 samples, 50 DDIM steps; median [range] of "
      + "\(repetitions) runs, seconds):")
  for setup in setups {
    for mode in RLStepMode.allCases {
      let steps = runs(setup.label, mode)
      let name = mode.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
      print(
        "  \(setup.label), \(name): rollout \(summary(steps.map(\.record.rolloutSeconds)))"
          + ", reward \(summary(steps.map(\.record.rewardSeconds)))"
          + ", update \(summary(steps.map(\.record.updateSeconds)))"
          + ", wall \(summary(steps.map(\.wall)))")
    }
    let overlapped = runs(setup.label, .overlapped).map(\.wall)
    print(
      "    wall of the same repetition over overlapped: serial "
        + summary(zip(runs(setup.label, .serial).map(\.wall), overlapped).map(/), unit: "×")
        + ", one chunk "
        + summary(zip(runs(setup.label, .oneChunk).map(\.wall), overlapped).map(/), unit: "×"))
  }
  let before = runs(setups[1].label, .oneChunk).map(\.wall)
  let after = runs(setups[2].label, .overlapped).map(\.wall)
  print(
    "CHGNet step, one chunk serial with 1 worker → overlapped with 2 workers: "
      + "\(summary(before)) s → \(summary(after)) s, same-repetition ratio "
      + summary(zip(before, after).map(/), unit: "×"))
  // The chunked runs of a calculator sample the same structures and must agree bit for bit;
  // so must the one-chunk runs among themselves.
  func identical(
    _ setups: ArraySlice<(label: String, calculator: String, workers: Int, cache: URL)>
  )
    -> String
  {
    let chunked = setups.flatMap { runs($0.label, .serial) + runs($0.label, .overlapped) }
    let whole = setups.flatMap { runs($0.label, .oneChunk) }
    let same =
      chunked.allSatisfy { $0.isIdentical(to: chunked[0]) }
      && whole.allSatisfy { $0.isIdentical(to: whole[0]) }
    return same ? "yes" : "NO"
  }
  print(
    "rewards and updated models identical across runs of the same samples: table energies "
      + "\(identical(setups[0...0])); CHGNet, 1 and 2 workers \(identical(setups[1...2]))")
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  print(String(format: "peak memory (host process): %.0f MiB", Double(usage.ru_maxrss) / 1024))
}

/// How the benchmark runs a step.
enum RLStepMode: String, CaseIterable {
  /// The rollout in one chunk, then the reward: the step before chunks and overlap.
  case oneChunk = "one chunk"
  /// Chunks of rollout_chunk_size, the reward after the rollout.
  case serial = "serial"
  /// Chunks, each one's per-structure reward metrics while the next is sampled.
  case overlapped = "overlapped"

  /// `configuration` set up for this mode.
  func applied(to configuration: GRPOTrainer.Configuration) -> GRPOTrainer.Configuration {
    var configuration = configuration
    configuration.overlapReward = self == .overlapped
    if self == .oneChunk {
      configuration.rolloutChunkSize = configuration.batchSize * configuration.numGroupSamples
    }
    return configuration
  }
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
  let directory = CacheRoot.subdirectory("benchmarks")
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
  let vaeConfig = ComposedConfig(
    root: try loader.compose(primary: "train_vae", overrides: overrides + ["vae.max_atoms=5"]))
  var random = SeededRandom(seed: 0)
  let vae = CrystalVAE(try vaeConfig.vaeConfiguration(), random: &random)
  ModelTraining.trainVAE(
    vae, on: structures, options: try vaeConfig.trainingOptions("trainer", seed: 0)
  ) { _, _ in }
  try ModelCheckpoint.save(vae, to: vaeURL)
  let ldmConfig = ComposedConfig(
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
