import CrystalConfig
import Foundation
import RewardAssembly
import RewardPipeline

/// The reward pipeline a `reward_fn` config (YAML) describes, built by a fresh `RewardFactory`
/// that caches reference sets under `cache` (a fresh temporary directory by default).
public func rewardPipeline(_ yaml: String, cache: URL? = nil) throws -> ReinforceReward {
  var factory = RewardFactory(cacheDirectory: try cache ?? SharedData.temporaryDirectory())
  return try factory.makePipeline(try ConfigValue.parse(yaml: yaml, source: "test"))
}

/// A `reward_fn` config with a single component whose keys are the lines of `blocks`, e.g.
/// `singleComponent("plugin: PythonReward\ncomponent: python", "module: m.py")`.
public func singleComponent(_ blocks: String...) -> String {
  let lines = blocks.flatMap { $0.split(separator: "\n") }
  return "components:\n"
    + lines.enumerated().map { ($0.offset == 0 ? "  - " : "    ") + $0.element + "\n" }.joined()
}
