import CrystalConfig
import CrystalCore
import Foundation
import PluginHost
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// Building pipelines from reward_fn configs: aliases, plugins, parameters and their errors.
final class RewardFactoryTests: XCTestCase {
  // The standard locator finds the package's plugins next to the test executable.
  func assertError(_ yaml: String, mentions expected: String, line: UInt = #line) {
    assertConfigurationError([expected], line: line) { _ = try rewardPipeline(yaml) }
  }

  func testSeedAliasAndPluginGiveTheSameDensity() throws {
    let reward = try rewardPipeline(
      """
      _target_: src.rl_module.reward.ReinforceReward
      normalize_fn: std
      components:
        - _target_: src.rl_module.components.CustomReward
        - plugin: AtomicDensity
          component: atomic_density
          weight: 2.0
        - plugin: AtomicDensity
          component: target_density
          target_density: 0.05
        - plugin: AtomicDensitySwift
          component: atomic_density
      """)
    let report = try reward.score([try TestCells.rockSalt()])
    let density = 8 / (5.64 * 5.64 * 5.64)
    XCTAssertEqual(report.components[0].raw[0], density, accuracy: 1e-12)
    XCTAssertEqual(report.components[1].weighted[0], 2 * density, accuracy: 1e-12)
    XCTAssertEqual(report.components[2].raw[0], -abs(density - 0.05), accuracy: 1e-12)
    XCTAssertEqual(report.components[3].raw[0], density, accuracy: 1e-12)
    XCTAssertEqual(reward.normalization, .std)
  }

  func testDNGMetricsNeedAReferenceDataset() {
    assertError(
      "components:\n  - _target_: src.rl_module.components.CreativityReward\n",
      mentions: "reward_fn.reference_dataset is required by creativity_distance, novel, unique")
    assertError(
      "reference_dataset: builtin\nenergy_calculator: dft\ncomponents:\n"
        + "  - _target_: src.rl_module.components.EnergyReward\n",
      mentions:
        "energy_calculator must be chgnet, table:PATH, plugin:PATH_OR_NAME:PROVIDER or "
        + "ase:MODULE:CALLABLE")
  }

  func testConfigurationErrorsListWhatIsValid() {
    assertError(
      "components:\n  - _target_: src.rl_module.components.Nope\n",
      mentions:
        "unknown _target_ 'src.rl_module.components.Nope'; valid: src.rl_module.components.AtomicDensityReward"
    )
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    colour: red\n",
      mentions: "unknown key(s) colour; valid: _target_, plugin")
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: target_density\n",
      mentions: "needs parameter 'target_density' (number)")
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: target_density\n    target_density: high\n",
      mentions: "target_density must be a number")
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    normalize_fn: zscore\n",
      mentions: "valid: norm, std, subtract_mean, clip, null")
    let missing = thrownError(PluginError.self) {
      _ = try rewardPipeline("components:\n  - plugin: NoSuchPlugin\n    component: x\n")
    }
    if case .fileNotFound("NoSuchPlugin", let searched)? = missing {
      XCTAssertFalse(searched.isEmpty)
    } else {
      XCTFail("\(String(describing: missing))")
    }
    assertError("normalise_fn: std\ncomponents: []\n", mentions: "unknown key(s) normalise_fn")
    assertError("components: []\n", mentions: "components must be a non-empty list")
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    weight: heavy\n",
      mentions: "weight must be a finite number")
  }

  func testDNGAliasesPointAtTheDNGPlugin() throws {
    let table = try SharedData.temporaryDirectory().appendingPathComponent("energies.csv")
    try "id,energy\n".write(to: table, atomically: true, encoding: .utf8)
    let reward = try rewardPipeline(
      """
      reference_dataset: builtin
      energy_calculator: table:\(table.path)
      components:
        - _target_: src.rl_module.components.CreativityReward
        - _target_: src.rl_module.components.EnergyReward
          normalize_fn: norm
        - _target_: src.rl_module.components.StructureDiversityReward
        - _target_: src.rl_module.components.CompositionDiversityReward
      """)
    XCTAssertEqual(
      reward.components.map(\.component.name),
      ["creativity", "energy", "structure_diversity", "composition_diversity"])
    XCTAssertEqual(
      reward.requiredMetrics,
      [
        "unique", "novel", "creativity_distance", "e_above_hull", "structure_diversity",
        "composition_diversity",
      ])
  }

  func testIsolationKeys() throws {
    let reward = try rewardPipeline(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    isolation: process\n    timeout: 5\n"
    )
    XCTAssertNotNil((reward.components[0].component as? PluginComponent)?.workerProcessID)
    XCTAssertEqual(
      try reward.score([try TestCells.rockSalt()]).total[0], 8 / (5.64 * 5.64 * 5.64),
      accuracy: 1e-12)
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    isolation: thread\n",
      mentions: "isolation must be in_process or process")
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    timeout: 5\n",
      mentions: "timeout needs isolation: process")
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    memory_limit_mb: 64\n",
      mentions: "memory_limit_mb needs isolation: process")
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    isolation: process\n    memory_limit_mb: -1\n",
      mentions: "memory_limit_mb must be a positive integer")
    let limited = try rewardPipeline(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    isolation: process\n    memory_limit_mb: 512\n    on_error: nan\n"
    )
    XCTAssertEqual(
      (limited.components[0].component as? PluginComponent)?.limits,
      WorkerLimits(timeout: 60, memoryLimitMB: 512))
    XCTAssertEqual(limited.components[0].onError, .nan)
    assertError(
      "components:\n  - plugin: AtomicDensity\n    component: atomic_density\n    on_error: retry\n",
      mentions: "unknown on_error 'retry'; valid: fail, skip, nan")
  }
}
