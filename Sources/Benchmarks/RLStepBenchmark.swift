import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalRLCommands
import CrystalTraining
import EnergyCalculation
import Foundation
import TensorEngine

/// One GRPO step with the DNG configuration at default sizes: batch 5 × group 64, 50 DDIM
/// steps, the DNG reward against the built-in reference set with CHGNet energies; wall time
/// split into rollout, reward (and the CHGNet share of it) and update, and peak memory.
let rlStepBenchmark = Benchmark(name: "rl-step") {
  var random = SeededRandom(seed: 3)
  let vae = CrystalVAE(CrystalVAE.Configuration(), random: &random)
  let model = LatentDiffusion(LatentDiffusion.Configuration(), latentDimension: 8, random: &random)
  var factory = RewardFactory(log: { print("  \($0)") })
  let reward = try factory.makePipeline(
    try ConfigValue.parse(
      yaml: """
        normalize_fn: std
        reference_dataset: builtin
        energy_calculator: chgnet
        components:
          - {_target_: src.rl_module.components.CreativityReward, weight: 1.0, normalize_fn: null}
          - {_target_: src.rl_module.components.EnergyReward, weight: 1.0, normalize_fn: norm}
          - {_target_: src.rl_module.components.StructureDiversityReward, weight: 0.1, normalize_fn: norm}
          - {_target_: src.rl_module.components.CompositionDiversityReward, weight: 1.0, normalize_fn: norm}
        """, source: "benchmark"))
  var configuration = GRPOTrainer.Configuration()
  configuration.batchSize = 5
  configuration.numGroupSamples = 64
  configuration.groupRewardNorm = true
  let trainer = GRPOTrainer(
    vae: vae, model: model, reward: reward, configuration: configuration,
    atomCounts: PrototypeLibrary.structures().map(\.count), seed: 4)
  let record = try trainer.trainStep()
  let calculator = try ChgnetCalculator.start()
  let structures = trainer.sample(320).structures
  let start = Date()
  _ = calculator.totalEnergies(structures)
  let chgnet = Date().timeIntervalSince(start)
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  print(
    String(
      format:
        "one GRPO step (5 × 64 samples, 50 DDIM steps): rollout %.1f s, reward %.1f s, update %.1f s",
      record.rolloutSeconds, record.rewardSeconds, record.updateSeconds))
  print(
    String(
      format: "CHGNet energies of 320 sampled structures: %.1f s (%.0f%% of the reward time)",
      chgnet,
      100 * chgnet / record.rewardSeconds))
  print(String(format: "peak memory (host process): %.0f MiB", Double(usage.ru_maxrss) / 1024))
}
