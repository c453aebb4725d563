// crystalrl-bench: side-by-side benchmarks of CrystalRL against the Python reference code.
// Usage: crystalrl-bench [NAME ...]   (no name: run all)
import Foundation

/// A named benchmark that prints its own report lines.
struct Benchmark {
  let name: String
  let run: @Sendable () throws -> Void
}

let benchmarks: [Benchmark] = [
  pluginOverheadBenchmark, functionRewardBenchmark, parsingBenchmark, matcherBenchmark,
  amdBenchmark, hullBenchmark, dngRewardBenchmark, engineBenchmark, rlStepBenchmark, serveBenchmark,
]

let requested = Set(CommandLine.arguments.dropFirst())
for benchmark in benchmarks where requested.isEmpty || requested.contains(benchmark.name) {
  print("== \(benchmark.name)")
  do { try benchmark.run() } catch { print("benchmark \(benchmark.name) failed: \(error)") }
}

/// A benchmark that cannot run as asked, with the reason.
struct BenchmarkError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
