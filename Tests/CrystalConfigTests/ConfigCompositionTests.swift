import CrystalConfig
import Foundation
import TestSupport
import XCTest

/// Composition of the shipped configs/ tree and of small trees written by the tests.
final class ConfigCompositionTests: XCTestCase {
  let loader = ConfigLoader(directory: SharedData.packageRoot.appendingPathComponent("configs"))

  func write(_ files: [String: String]) throws -> ConfigLoader {
    let root = try SharedData.temporaryDirectory()
    for (path, text) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return ConfigLoader(directory: root)
  }

  func testDefaultTrainRLComposesSeedShape() throws {
    let config = try loader.compose(primary: "train_rl")
    XCTAssertEqual(config.value(at: "rl_module.rl_configs.clip_ratio"), .double(0.001))
    XCTAssertEqual(config.value(at: "rl_module.rl_configs.entropy_weight"), .double(1e-5))
    XCTAssertEqual(config.value(at: "rl_module.rl_configs.num_inner_batch"), .int(2))
    XCTAssertEqual(config.value(at: "rl_module.reward_fn.normalize_fn"), .string("std"))
    XCTAssertEqual(
      config.value(at: "rl_module.reward_fn.components.0.plugin"), .string("AtomicDensity"))
    XCTAssertNil(config["defaults"])
  }

  func testGroupSelectionReplacesComponentList() throws {
    let config = try loader.compose(primary: "train_rl", overrides: ["custom_reward=rl_dng"])
    let components = config.value(at: "rl_module.reward_fn.components")?.listValue ?? []
    XCTAssertEqual(components.count, 4)
    XCTAssertEqual(
      components.map { $0["weight"]?.doubleValue ?? -1 }, [1.0, 1.0, 0.1, 1.0])
    XCTAssertEqual(
      components.map { $0["normalize_fn"] },
      [.null, .string("norm"), .string("norm"), .string("norm")])
  }

  func testExperimentWithNestedDefaults() throws {
    let config = try loader.compose(
      primary: "train_rl", overrides: ["experiment=rl_custom_reward"])
    XCTAssertEqual(config.value(at: "rl_module.rl_configs.num_group_samples"), .int(64))
    XCTAssertEqual(config.value(at: "rl_module.rl_configs.group_reward_norm"), .bool(true))
  }

  func testValueOverridesAndTypes() throws {
    let config = try loader.compose(
      primary: "train_rl",
      overrides: [
        "rl_module.rl_configs.num_group_samples=128", "+extra.flag=true", "seed=1e3",
        "~rl_module.sampling_configs",
      ])
    XCTAssertEqual(config.value(at: "rl_module.rl_configs.num_group_samples"), .int(128))
    XCTAssertEqual(config.value(at: "extra.flag"), .bool(true))
    XCTAssertEqual(config.value(at: "seed"), .double(1000))
    XCTAssertNil(config.value(at: "rl_module.sampling_configs"))
  }

  func testUnknownKeyListsValidOnes() {
    XCTAssertThrowsError(
      try loader.compose(primary: "train_rl", overrides: ["rl_module.rl_configs.clip=0.1"])
    ) { error in
      XCTAssertTrue("\(error)".contains("unknown config key 'rl_module.rl_configs.clip'"))
      XCTAssertTrue("\(error)".contains("clip_ratio"))
    }
  }

  func testUnknownGroupOptionListsOptions() {
    XCTAssertThrowsError(try loader.compose(primary: "train_rl", overrides: ["data=mp_21"])) {
      error in
      XCTAssertTrue("\(error)".contains("no config 'mp_21' in group 'data'"))
      XCTAssertTrue("\(error)".contains("perov_5"))
    }
  }

  func testMalformedOverrideAndYAML() throws {
    XCTAssertThrowsError(try loader.compose(primary: "train_rl", overrides: ["justakey"]))
    let broken = try write(["main.yaml": "a: [1, 2\nb: 3\n"])
    XCTAssertThrowsError(try broken.compose(primary: "main")) { error in
      XCTAssertTrue("\(error)".contains("invalid YAML"))
    }
  }

  func testSelfPositionAndPackages() throws {
    let tree = try write([
      "main.yaml": "defaults:\n  - _self_\n  - opt: a\nx: 1\nopt:\n  y: 0\n",
      "opt/a.yaml": "y: 2\n",
      "opt/b.yaml": "# @package _global_\nx: 5\n",
    ])
    let first = try tree.compose(primary: "main")
    XCTAssertEqual(first.value(at: "opt.y"), .int(2))  // group merged after _self_
    let global = try tree.compose(primary: "main", overrides: ["opt=b"])
    XCTAssertEqual(global.value(at: "x"), .int(5))
    XCTAssertEqual(global.value(at: "opt.y"), .int(0))
  }

  // The next inputs crashed the composer (a stack overflow, a nil unwrap) when run through the
  // Config fuzz target (scripts/fuzz.sh).

  func testDefaultsCycleIsAnError() throws {
    let tree = try write([
      "train.yaml": "defaults:\n  - g: a\n", "g/a.yaml": "defaults:\n  - g: a\n",
    ])
    XCTAssertThrowsError(try tree.compose(primary: "train")) { error in
      XCTAssertEqual("\(error)", "defaults cycle: train.yaml -> g/a.yaml -> g/a.yaml")
    }
  }

  func testOverridesWithEmptyKeysAreErrors() throws {
    let tree = try write(["train.yaml": "x: 1\n"])
    for override in ["~", ".=1", "~x.", "+x..y=2", "=3"] {
      XCTAssertThrowsError(try tree.compose(primary: "train", overrides: [override])) { error in
        XCTAssertEqual("\(error)", "override '\(override)' has an empty key")
      }
    }
  }
}
