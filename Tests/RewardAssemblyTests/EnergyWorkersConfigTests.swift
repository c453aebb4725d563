import CrystalConfig
import Foundation
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// `reward_fn.energy_workers`: a positive integer, more than 1 only for worker calculators
/// (CHGNet, ASE).
final class EnergyWorkersConfigTests: XCTestCase {
  /// The worker count of a reward config with `workers` and `calculator`, after the factory
  /// has built its pipeline (which checks the setting too).
  func workers(_ workers: String, calculator: String = "chgnet") throws -> Int {
    var factory = RewardFactory(cacheDirectory: try SharedData.temporaryDirectory())
    let config = try ConfigValue.parse(
      yaml: """
        energy_calculator: \(calculator)
        energy_workers: \(workers)
        components: [{_target_: src.rl_module.components.CustomReward}]
        """, source: "test")
    // A density-only reward: no calculator is started, the setting is still checked.
    _ = try factory.makePipeline(config)
    return try RewardFactory.energyWorkers(of: ConfigNode(config, path: "reward_fn"))
  }

  func testInvalidWorkerCountsAreErrorsNamingTheKey() {
    for value in ["0", "-2", "1.5", "two", "true", "[2]"] {
      XCTAssertThrowsError(try workers(value), value) { error in
        XCTAssertEqual((error as? ConfigError)?.key, "reward_fn.energy_workers", value)
        XCTAssertTrue(
          "\(error)".contains("reward_fn.energy_workers must be a positive integer"),
          "\(value): \(error)")
      }
    }
  }

  func testMoreThanOneWorkerNeedsCHGNet() throws {
    XCTAssertThrowsError(try workers("2", calculator: "table:energies.csv")) { error in
      XCTAssertEqual((error as? ConfigError)?.key, "reward_fn.energy_workers")
      XCTAssertTrue(
        "\(error)".contains(
          "energy_workers: 2 worker processes need energy_calculator: chgnet or "
            + "ase:MODULE:CALLABLE"),
        "\(error)")
    }
    XCTAssertEqual(try workers("1", calculator: "table:energies.csv"), 1)
    XCTAssertEqual(try workers("3"), 3)
    XCTAssertEqual(try workers("2", calculator: "ase:ase.calculators.emt:EMT"), 2)
  }

  func testDefaultIsOneWorker() throws {
    var factory = RewardFactory()
    let config = try ConfigValue.parse(
      yaml: "components: [{_target_: src.rl_module.components.CustomReward}]", source: "test")
    _ = try factory.makePipeline(config)
    XCTAssertEqual(try RewardFactory.energyWorkers(of: ConfigNode(config, path: "reward_fn")), 1)
  }
}
