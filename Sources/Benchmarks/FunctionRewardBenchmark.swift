import CrystalConfig
import Foundation
import ReferenceOracles
import RewardAssembly
import RewardPipeline

/// Per-batch time of the atomic density N/V as a plain C function called through libffi
/// (FunctionReward: one call per structure, one call per batch, and per structure in a worker
/// process) vs the same reward as an ABI plugin (the AtomicDensity C plugin), on a
/// 320-structure batch. The function is Examples/function-reward's vendor library, built here
/// with `cc -O2`.
let functionRewardBenchmark = Benchmark(name: "function-reward") {
  let structures = try benchmarkStructures(count: 320)
  let library = try SharedData.temporaryDirectory().appendingPathComponent("libvendor_score.so")
  let compiler = Process()
  compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  compiler.arguments = [
    "cc", "-shared", "-fPIC", "-O2",
    SharedData.packageRoot.appendingPathComponent("Examples/function-reward/vendor_score.c").path,
    "-o", library.path,
  ]
  try compiler.run()
  compiler.waitUntilExit()
  func pipeline(_ component: String) throws -> ReinforceReward {
    var factory = RewardFactory()
    return try factory.makePipeline(
      try ConfigValue.parse(yaml: "components:\n  - \(component)\n", source: "benchmark"))
  }
  let function = "{_target_: FunctionReward, library: \(library.path), "
  let variants = [
    ("ABI plugin (AtomicDensity, C)", "{plugin: AtomicDensity, component: atomic_density}"),
    (
      "FunctionReward, per structure",
      function
        + "function: vendor_density, signature: 'double (int64 num_atoms, const double *lattice)'}"
    ),
    (
      "FunctionReward, batch: true",
      function + "function: vendor_density_batch, batch: true, signature: 'int32 (int64 n, "
        + "const int64 *atom_offsets, const double *lattices, double *out)'}"
    ),
    (
      "FunctionReward, per structure, isolated",
      function + "function: vendor_density, isolation: process, "
        + "signature: 'double (int64 num_atoms, const double *lattice)'}"
    ),
  ]
  let batch = StructureBatch(structures)
  let reference = try pipeline(variants[0].1).score(batch).total
  for (label, component) in variants {
    let reward = try pipeline(component)
    let same = try reward.score(batch).total == reference
    let time = try medianSeconds(repetitions: 2000) { _ = try reward.score(batch) }
    let line = String(
      format: " %8.2f µs/batch  (%.3f µs/structure)", time * 1e6,
      time * 1e6 / Double(structures.count))
    print(
      label.padding(toLength: 42, withPad: " ", startingAt: 0) + line
        + (same ? "" : "  REWARDS DIFFER"))
  }
}
