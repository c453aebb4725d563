import CrystalConfig
import CrystalTraining
import TestSupport
import XCTest

@testable import CrystalRLCommands

/// Settings read from configs refuse values the code cannot use, naming the key.
final class SettingsValidationTests: XCTestCase {
  let loader = ConfigLoader(directory: SharedData.packageRoot.appendingPathComponent("configs"))

  /// The error reading `overrides` of train_rl with `read` throws (nil when it throws none or
  /// no ConfigError).
  func error(_ overrides: [String], read: (ComposedConfig) throws -> Void) throws -> ConfigError? {
    let config = ComposedConfig(root: try loader.compose(primary: "train_rl", overrides: overrides))
    return thrownError(ConfigError.self) { try read(config) }
  }

  func testSamplingSettings() throws {
    let prefix = "rl_module.sampling_configs"
    let sampling = { (config: ComposedConfig) in _ = try config.sampling(at: prefix) }
    XCTAssertEqual(
      try error(["\(prefix).sampling_steps=0"], read: sampling),
      ConfigError(
        key: "\(prefix).sampling_steps", "\(prefix).sampling_steps must be in 1...1000, got 0"))
    XCTAssertEqual(
      try error(["\(prefix).eta=-0.5"], read: sampling),
      ConfigError(key: "\(prefix).eta", "\(prefix).eta must be >= 0, got -0.5"))
    XCTAssertEqual(
      try error(["\(prefix).sampler=ddpm"], read: sampling),
      ConfigError(key: "\(prefix).sampler", "\(prefix).sampler must be ddim, got 'ddpm'"))
    XCTAssertEqual(
      try error(["\(prefix).eta=fast"], read: sampling),
      ConfigError(key: "\(prefix).eta", "\(prefix).eta must be a finite number, got \"fast\""))
  }

  func testTrainerSettings() throws {
    XCTAssertEqual(
      try error(["trainer.val_check_interval=0"]) { _ = try $0.rlRunSettings() },
      ConfigError(
        key: "trainer.val_check_interval",
        "trainer.val_check_interval must be a positive integer, got 0"))
    XCTAssertEqual(
      try error(["~trainer.max_consecutive_failures"]) { _ = try $0.rlRunSettings() },
      ConfigError(
        key: "trainer.max_consecutive_failures",
        "missing config key 'trainer.max_consecutive_failures'"))
    XCTAssertEqual(
      try error(["data.batch_size=-2"]) { _ = try $0.grpoConfiguration() },
      ConfigError(key: "data.batch_size", "data.batch_size must be a positive integer, got -2"))
  }

  func testMinSNRGamma() throws {
    let key = "trainer.min_snr_gamma"
    func gamma(_ overrides: [String]) throws -> Double? {
      try ComposedConfig(root: try loader.compose(primary: "train_ldm", overrides: overrides))
        .minSNRGamma(key)
    }
    XCTAssertEqual(try gamma([]), 5)
    XCTAssertNil(try gamma(["\(key)=null"]))
    XCTAssertThrowsError(try gamma(["\(key)=0"])) { error in
      XCTAssertEqual(
        error as? ConfigError, ConfigError(key: key, "\(key) must be positive or null, got 0.0"))
    }
  }

  /// `evaluate`'s settings name the keys they were read from, `evaluation.energy_calculator`
  /// and `evaluation.hull_references`, even when the reward's settings fill them in.
  func testEvaluateSettingsNameTheEvaluationKeys() throws {
    let evaluate = { (config: ComposedConfig) in _ = try EvaluateCommand.Settings(config) }
    XCTAssertEqual(
      try error(["evaluation.energy_calculator=dft"], read: evaluate),
      ConfigError(
        key: "evaluation.energy_calculator",
        "evaluation.energy_calculator must be chgnet, table:PATH, "
          + "plugin:PATH_OR_NAME:PROVIDER or ase:MODULE:CALLABLE, got 'dft'"))
    // rl_dng's evaluation.energy_calculator is ${rl_module.reward_fn.energy_calculator}.
    XCTAssertEqual(
      try error(
        ["custom_reward=rl_dng", "rl_module.reward_fn.energy_calculator=dft"], read: evaluate)?
        .key, "evaluation.energy_calculator")
    XCTAssertEqual(
      try error(["evaluation.energy_calculator=5"], read: evaluate),
      ConfigError(
        key: "evaluation.energy_calculator", "evaluation.energy_calculator must be a string, got 5")
    )
    XCTAssertEqual(
      try error(["evaluation.hull_references=[prototypes,sideways]"], read: evaluate)?.key,
      "evaluation.hull_references.1")
  }

  /// `evaluate` takes the reward's calculator and worker count (`energy_workers`) as given.
  func testEvaluateReadsTheRewardsWorkersAndCalculator() throws {
    let config = ComposedConfig(
      root: try loader.compose(
        primary: "train_rl",
        overrides: ["custom_reward=rl_dng", "rl_module.reward_fn.energy_workers=2"]))
    let settings = try EvaluateCommand.Settings(config)
    XCTAssertEqual(settings.energyCalculator?.calculator, .chgnet)
    XCTAssertEqual(settings.energyWorkers, 2)
    let plain = ComposedConfig(root: try loader.compose(primary: "train_rl"))
    XCTAssertNil(try EvaluateCommand.Settings(plain).energyCalculator)
    // An ASE calculator comes with its kwargs and interpreter.
    let ase = ComposedConfig(
      root: try loader.compose(
        primary: "train_rl",
        overrides: [
          "custom_reward=rl_dng",
          "rl_module.reward_fn.energy_calculator=ase:mace.calculators:mace_mp",
          "rl_module.reward_fn.energy_calculator_kwargs={model: medium-mpa-0}",
          "rl_module.reward_fn.energy_python=/opt/mace/bin/python",
        ]))
    guard case .ase(let mace)? = try EvaluateCommand.Settings(ase).energyCalculator?.calculator
    else { return XCTFail("evaluate did not read the ASE calculator") }
    XCTAssertEqual(
      [mace.module, mace.callable, mace.kwargs, mace.python],
      ["mace.calculators", "mace_mp", "{\"model\": \"medium-mpa-0\"}", "/opt/mace/bin/python"])
  }
}
