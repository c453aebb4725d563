import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalTraining
import EnergyCalculation
import Foundation
import ReferenceOracles
import RewardAssembly

/// One GRPO step with the DNG configuration at default model sizes: batch 5 × group 64, 50
/// DDIM steps, the DNG reward against perov_5 (energies from a table, so the reward time is our
/// code), then CHGNet on the same 320 decoded structures to give its share; peak memory.
/// Needs the perov_5 checkpoints: `crystalrl train-vae data=perov_5 vae.max_atoms=5
/// data.train_file=../shared/data/perov_5/val.csv` and the same with `train-ldm`.
let rlStepBenchmark = Benchmark(name: "rl-step") {
  let store =
    ProcessInfo.processInfo.environment["CRYSTALRL_CHECKPOINTS"]
    ?? NSHomeDirectory() + "/.cache/crystalrl/checkpoints"
  let vae = try ModelCheckpoint.loadVAE(URL(fileURLWithPath: store + "/perov_5_vae.safetensors"))
  let (model, atomCounts) = try ModelCheckpoint.loadDiffusion(
    URL(fileURLWithPath: store + "/perov_5_ldm_base.safetensors"))
  let source = SharedData.url("perov_5/val.csv")
  let table = try SyntheticEnergies.table(try CDVAEDataset.read(source))
  var factory = RewardFactory(
    cacheDirectory: FileManager.default.temporaryDirectory.appendingPathComponent(
      "crystalrl-bench-cache"))
  factory.diversityVAE = { vae }  // as train-rl does
  let reward = try factory.makePipeline(
    try ConfigValue.parse(
      yaml: dngRewardYAML(reference: source, energies: table), source: "benchmark"))
  // train_rl.yaml's settings with the DNG experiment's group size.
  let configuration = try Interpolator(
    root: try ConfigLoader(directory: try ConfigDirectory.locate()).compose(
      primary: "train_rl",
      overrides: [
        "rl_module.rl_configs.num_group_samples=64", "rl_module.rl_configs.group_reward_norm=true",
      ])
  ).grpoConfiguration()
  let trainer = GRPOTrainer(
    vae: vae, model: model, reward: reward, configuration: configuration,
    atomCounts: atomCounts, seed: 4)
  let record = try trainer.trainStep()
  let calculator = try ChgnetCalculator.start()
  let structures = trainer.sample(320).structures
  let start = Date()
  let energies = calculator.totalEnergies(structures)
  let chgnet = Date().timeIntervalSince(start)
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  print(
    String(
      format: "one GRPO step (5 × 64 samples, 50 DDIM steps, width-64 models): rollout %.1f s, "
        + "reward %.2f s (table energies), update %.1f s", record.rolloutSeconds,
      record.rewardSeconds, record.updateSeconds))
  let total = record.rolloutSeconds + record.rewardSeconds + chgnet + record.updateSeconds
  print(
    String(
      format:
        "CHGNet energies of 320 sampled structures: %.1f s (%d computed); with CHGNet the step "
        + "takes %.1f s, CHGNet's share %.0f%%", chgnet, energies.filter(\.isFinite).count, total,
      100 * chgnet / total))
  print(String(format: "peak memory (host process): %.0f MiB", Double(usage.ru_maxrss) / 1024))
}
