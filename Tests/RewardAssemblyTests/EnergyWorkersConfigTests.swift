import CrystalConfig
import Foundation
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// `reward_fn.energy_workers`: a positive integer, more than 1 only for CHGNet.
final class EnergyWorkersConfigTests: XCTestCase {
  func factory(workers: String, calculator: String = "chgnet") throws -> RewardFactory {
    var factory = RewardFactory(cacheDirectory: try SharedData.temporaryDirectory())
    // A density-only reward: no calculator is started, the setting is still checked.
    _ = try factory.makePipeline(
      try ConfigValue.parse(
        yaml: """
          energy_calculator: \(calculator)
          energy_workers: \(workers)
          components: [{_target_: src.rl_module.components.CustomReward}]
          """, source: "test"))
    return factory
  }

  func testInvalidWorkerCountsAreErrorsNamingTheKey() {
    for value in ["0", "-2", "1.5", "two", "true", "[2]"] {
      XCTAssertThrowsError(try factory(workers: value), value) { error in
        guard case .configuration(let message) = error as? RewardError else {
          return XCTFail("\(value): \(error)")
        }
        XCTAssertTrue(
          message.contains("reward_fn.energy_workers must be a positive integer"),
          "\(value): \(message)")
      }
    }
  }

  func testMoreThanOneWorkerNeedsCHGNet() throws {
    XCTAssertThrowsError(try factory(workers: "2", calculator: "table:energies.csv")) { error in
      guard case .configuration(let message) = error as? RewardError else {
        return XCTFail("\(error)")
      }
      XCTAssertTrue(
        message.contains("energy_workers: 2 worker processes need energy_calculator: chgnet"),
        message)
    }
    XCTAssertEqual(try factory(workers: "1", calculator: "table:energies.csv").energyWorkers, 1)
    XCTAssertEqual(try factory(workers: "3").energyWorkers, 3)
  }

  func testDefaultIsOneWorker() throws {
    var factory = RewardFactory()
    _ = try factory.makePipeline(
      try ConfigValue.parse(
        yaml: "components: [{_target_: src.rl_module.components.CustomReward}]", source: "test"))
    XCTAssertEqual(factory.energyWorkers, 1)
  }
}
