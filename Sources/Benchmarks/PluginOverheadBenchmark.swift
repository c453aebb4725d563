import CrystalCore
import Foundation
import PluginHost
import RewardPipeline

/// Per-batch time of the atomic-density reward through the dlopen'd C plugin (in-process and
/// in a worker process, `isolation: process`) vs the same reward as a built-in Swift component,
/// on a 320-structure batch.
let pluginOverheadBenchmark = Benchmark(name: "plugin-overhead") {
  let structures = try benchmarkStructures(count: 320)
  let path = try PluginLocator.standard.locate("AtomicDensity")
  let library = try PluginLibrary(path: path)
  let plugin = ReinforceReward(components: [
    WeightedComponent(try PluginComponent(library: library, name: "atomic_density"))
  ])
  let isolated = ReinforceReward(components: [
    WeightedComponent(
      try PluginComponent(path: path, name: "atomic_density", configJSON: "{}"))
  ])
  let builtin = ReinforceReward(components: [WeightedComponent(AtomicDensityReward())])
  let batch = StructureBatch(structures)
  let pluginTime = try medianSeconds(repetitions: 2000) { _ = try plugin.score(batch) }
  let builtinTime = try medianSeconds(repetitions: 2000) { _ = try builtin.score(batch) }
  let isolatedTime = try medianSeconds(repetitions: 2000) { _ = try isolated.score(batch) }
  let same =
    try plugin.score(batch).total == builtin.score(batch).total
    && isolated.score(batch).total == builtin.score(batch).total
  print(
    String(
      format: "batch of %d structures, identical rewards: %@", structures.count, same ? "yes" : "NO"
    ))
  print(String(format: "C plugin:        %8.2f µs/batch", pluginTime * 1e6))
  print(String(format: "C plugin, isolated: %8.2f µs/batch", isolatedTime * 1e6))
  print(String(format: "built-in Swift:  %8.2f µs/batch", builtinTime * 1e6))
  print(
    String(
      format: "isolation overhead: %8.2f µs/batch", (isolatedTime - pluginTime) * 1e6))
  print(String(format: "plugin / built-in: %.3f", pluginTime / builtinTime))
}

/// Median wall time of `body` over `repetitions` runs, after one warm-up.
func medianSeconds(repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
  try body()
  return median(try (0..<repetitions).map { _ in try wallSeconds(body) })
}

/// Wall seconds of one call of `body`.
func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The median of `values` (the upper one of an even count).
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// The `fraction` quantile of `values` by nearest rank (p99 of 100 values: the 99th smallest).
func percentile(_ values: [Double], _ fraction: Double) -> Double {
  let sorted = values.sorted()
  return sorted[max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}
