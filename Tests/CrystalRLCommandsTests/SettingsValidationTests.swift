import CrystalConfig
import CrystalTraining
import TestSupport
import XCTest

/// Settings read from configs refuse values the code cannot use, naming the key.
final class SettingsValidationTests: XCTestCase {
  let loader = ConfigLoader(directory: SharedData.packageRoot.appendingPathComponent("configs"))

  /// The error reading `overrides` of train_rl with `read` throws (nil when it throws none or
  /// no ConfigError).
  func error(_ overrides: [String], read: (ComposedConfig) throws -> Void) throws -> ConfigError? {
    let config = ComposedConfig(root: try loader.compose(primary: "train_rl", overrides: overrides))
    do {
      try read(config)
    } catch {
      XCTAssertNotNil(error as? ConfigError, "\(error)")
      return error as? ConfigError
    }
    XCTFail("\(overrides) was accepted")
    return nil
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
}
