import CrystalConfig
import RewardAssembly
import TestSupport
import XCTest

/// Reward config errors are `ConfigError`s naming the exact key: a value of the wrong type is
/// an error, never read as absent, and a component's settings name the component's entry.
final class RewardConfigKeyTests: XCTestCase {
  /// The error building the pipeline of `yaml` (under `rl_module.reward_fn`) throws.
  func error(_ yaml: String) throws -> ConfigError? {
    var factory = RewardFactory()
    let config = ConfigNode(
      try ConfigValue.parse(yaml: yaml, source: "test"), path: "rl_module.reward_fn")
    return thrownError(ConfigError.self) { _ = try factory.makePipeline(config) }
  }

  func testAnEnergyCalculatorOfTheWrongTypeIsAnError() throws {
    XCTAssertEqual(
      try error(
        "energy_calculator: 5\ncomponents: [{_target_: src.rl_module.components.CustomReward}]"),
      ConfigError(
        key: "rl_module.reward_fn.energy_calculator",
        "rl_module.reward_fn.energy_calculator must be a string, got 5"))
  }

  func testNormalizationAndErrorPolicyNameTheirComponent() throws {
    let normalize = try error(
      """
      components:
        - _target_: src.rl_module.components.CustomReward
        - plugin: AtomicDensity
          component: atomic_density
          normalize_fn: zscore
      """)
    XCTAssertEqual(normalize?.key, "rl_module.reward_fn.components.1.normalize_fn")
    XCTAssertEqual(
      normalize?.description,
      "rl_module.reward_fn.components.1.normalize_fn: unknown normalize_fn 'zscore'; "
        + "valid: norm, std, subtract_mean, clip, null")
    let onError = try error(
      """
      components:
        - _target_: src.rl_module.components.CustomReward
          on_error: retry
      """)
    XCTAssertEqual(onError?.key, "rl_module.reward_fn.components.0.on_error")
    XCTAssertEqual(
      onError?.description,
      "rl_module.reward_fn.components.0.on_error: unknown on_error 'retry'; "
        + "valid: fail, skip, nan")
    XCTAssertEqual(
      try error("normalize_fn: 3\ncomponents: [{_target_: src.rl_module.components.CustomReward}]")?
        .key, "rl_module.reward_fn.normalize_fn")
  }

  func testEveryReadNamesItsKey() throws {
    let cases: [(String, String)] = [
      (
        "components:\n  - {_target_: src.rl_module.components.CustomReward, weight: heavy}",
        "rl_module.reward_fn.components.0.weight"
      ),
      (
        "components:\n  - {_target_: src.rl_module.components.CustomReward, target_density: x}",
        "rl_module.reward_fn.components.0.target_density"
      ),
      (
        "components:\n  - {plugin: AtomicDensity, component: atomic_density, isolation: process, timeout: 0}",
        "rl_module.reward_fn.components.0.timeout"
      ),
      (
        "eps: small\ncomponents:\n  - {_target_: src.rl_module.components.CustomReward}",
        "rl_module.reward_fn.eps"
      ),
      (
        "hull_references: [prototypes, sideways]\ncomponents:\n  - {_target_: src.rl_module.components.CustomReward}",
        "rl_module.reward_fn.hull_references.1"
      ),
      (
        "reference_dataset: 5\ncomponents:\n  - {_target_: src.rl_module.components.CreativityReward}",
        "rl_module.reward_fn.reference_dataset"
      ),
      (
        "metrics: 3\ncomponents:\n  - {_target_: src.rl_module.components.CustomReward}",
        "rl_module.reward_fn.metrics"
      ),
      (
        "components:\n  - {plugin: AtomicDensity, component: target_density, target_density: high}",
        "rl_module.reward_fn.components.0.target_density"
      ),
    ]
    for (yaml, key) in cases {
      XCTAssertEqual(try error(yaml)?.key, key, yaml)
    }
  }
}
