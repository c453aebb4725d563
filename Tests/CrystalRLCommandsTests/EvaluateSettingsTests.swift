import CrystalConfig
import TestSupport
import XCTest

@testable import CrystalRLCommands

/// `evaluate`'s settings name the keys they were read from: `evaluation.energy_calculator`
/// and `evaluation.hull_references`, even when the reward's settings fill them in.
final class EvaluateSettingsTests: XCTestCase {
  let loader = ConfigLoader(directory: SharedData.packageRoot.appendingPathComponent("configs"))

  func error(_ overrides: [String]) throws -> ConfigError? {
    let config = ComposedConfig(root: try loader.compose(primary: "train_rl", overrides: overrides))
    do {
      _ = try EvaluateCommand.Settings(config)
    } catch {
      XCTAssertNotNil(error as? ConfigError, "\(error)")
      return error as? ConfigError
    }
    XCTFail("\(overrides) was accepted")
    return nil
  }

  func testEnergyCalculatorErrorsNameTheEvaluationKey() throws {
    XCTAssertEqual(
      try error(["evaluation.energy_calculator=dft"]),
      ConfigError(
        key: "evaluation.energy_calculator",
        "evaluation.energy_calculator must be chgnet, table:PATH or "
          + "plugin:PATH_OR_NAME:PROVIDER, got 'dft'"))
    // rl_dng's evaluation.energy_calculator is ${rl_module.reward_fn.energy_calculator}.
    XCTAssertEqual(
      try error(["custom_reward=rl_dng", "rl_module.reward_fn.energy_calculator=dft"])?.key,
      "evaluation.energy_calculator")
    XCTAssertEqual(
      try error(["evaluation.energy_calculator=5"]),
      ConfigError(
        key: "evaluation.energy_calculator", "evaluation.energy_calculator must be a string, got 5")
    )
    XCTAssertEqual(
      try error(["evaluation.hull_references=[prototypes,sideways]"])?.key,
      "evaluation.hull_references.1")
  }

  func testTheRewardsWorkersAndCalculatorAreRead() throws {
    let config = ComposedConfig(
      root: try loader.compose(
        primary: "train_rl",
        overrides: ["custom_reward=rl_dng", "rl_module.reward_fn.energy_workers=2"]))
    let settings = try EvaluateCommand.Settings(config)
    XCTAssertEqual(settings.energyCalculator?.calculator, .chgnet)
    XCTAssertEqual(settings.energyWorkers, 2)
    XCTAssertNil(
      try EvaluateCommand.Settings(ComposedConfig(root: try loader.compose(primary: "train_rl")))
        .energyCalculator)
  }
}
