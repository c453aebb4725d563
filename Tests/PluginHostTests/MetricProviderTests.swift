import CrystalCore
import Foundation
import PluginHost
import RewardPipeline
import TestSupport
import XCTest

/// Metric providers of a plugin (ABI 1.1, Fixtures/provider_plugin.c) feeding a C reward
/// component: dependency order, identical values in-process and isolated, and outputs checked
/// like rewards.
final class MetricProviderTests: XCTestCase {
  enum Mode { case inProcess, isolated }

  /// atoms_squared and features from `variant` (in `mode`) beside the standard metrics, and
  /// the pipeline of feature_sum.
  func pipeline(_ variant: String, _ mode: Mode, scale: Double = 1) throws
    -> ReinforceReward
  {
    let path = try TestPlugins.path(variant)
    var registry = MetricRegistry.standard
    let component: RewardComponent
    switch mode {
    case .inProcess:
      let library = try PluginLibrary(path: path, log: { _, _ in })
      registry.register(
        try PluginMetricProvider(
          library: library, name: "atoms_squared", configJSON: #"{"scale": \#(scale)}"#))
      registry.register(try PluginMetricProvider(library: library, name: "features"))
      component = try PluginComponent(library: library, name: "feature_sum")
    case .isolated:
      let limits = WorkerLimits(timeout: 5)
      registry.register(
        try PluginMetricProvider(
          path: path, name: "atoms_squared", configJSON: #"{"scale": \#(scale)}"#, limits: limits))
      registry.register(
        try PluginMetricProvider(path: path, name: "features", configJSON: "{}", limits: limits))
      component = try PluginComponent(
        path: path, name: "feature_sum", configJSON: "{}", limits: limits)
    }
    return ReinforceReward(components: [WeightedComponent(component)], metrics: registry)
  }

  func assertError(_ expected: String, line: UInt = #line, _ body: () throws -> Void) {
    XCTAssertThrowsError(try body(), line: line) { error in
      XCTAssertTrue("\(error)".contains(expected), "'\(error)' lacks '\(expected)'", line: line)
    }
  }

  func testProvidersFeedACComponentInDependencyOrder() throws {
    // Structures of 2, 1 and 3 atoms: features = [n, 2 n²], feature_sum = n + 2 n².
    let report = try pipeline("providers", .inProcess, scale: 2).score(try TestPlugins.structures())
    XCTAssertEqual(report.components[0].raw, [10, 3, 21])
    XCTAssertEqual(report.metrics["features"]?.width, 2)
    XCTAssertEqual(report.metrics["features"]?.values, [2, 8, 1, 2, 3, 18])
    XCTAssertEqual(report.metrics["atoms_squared"]?.values, [8, 2, 18])
    let library = try PluginLibrary(path: try TestPlugins.path("providers"), log: { _, _ in })
    XCTAssertEqual(
      try library.provider(named: "features").requiredMetrics, ["num_atoms", "atoms_squared"])
    assertError("has no metric provider 'nope'; it has: atoms_squared, features") {
      _ = try PluginMetricProvider(library: library, name: "nope")
    }
  }

  func testIsolatedAndInProcessProvidersGiveIdenticalValues() throws {
    let structures = try TestPlugins.structures()
    let inProcess = try pipeline("providers", .inProcess, scale: 0.25).score(structures)
    let isolated = try pipeline("providers", .isolated, scale: 0.25).score(structures)
    XCTAssertEqual(isolated.components[0].raw, inProcess.components[0].raw)
    XCTAssertEqual(isolated.metrics, inProcess.metrics)
  }

  func testProviderOutputIsCheckedLikeRewards() throws {
    for mode in [Mode.inProcess, .isolated] {
      let structures = try TestPlugins.structures()
      assertError(
        "metric provider 'atoms_squared' returned NaN for structure 1 "
          + "(it does not declare CRL_PROVIDER_OUTPUT_MAY_BE_NAN)"
      ) { _ = try pipeline("providers_nan_values", mode).score(structures) }
      assertError("metric provider 'features' returned +inf for structure 2") {
        _ = try pipeline("providers_inf_values", mode).score(structures)
      }
      assertError(
        "metric provider 'features' returned 5 values for 3 structures of width 2 (6 expected)"
      ) { _ = try pipeline("providers_short_count", mode).score(structures) }
      // Declared NaN means "not available" and is passed on as such (features, which copies
      // it without declaring NaN, is refused in turn).
      let registry = try pipeline("providers_nan_allowed", mode).metricRegistry
      let batch = StructureBatch(structures)
      let squares = try registry.compute(["atoms_squared"], for: batch)["atoms_squared"]!
      XCTAssertEqual(squares.values.map(\.isNaN), [false, true, false])
      assertError("metric provider 'features' returned NaN for structure 1") {
        _ = try registry.compute(["features"], for: batch)
      }
    }
  }

  func testACrashingProviderCostsOnlyTheBatchWhenIsolated() throws {
    let reward = try pipeline("providers_crash", .isolated)
    assertError("metric provider 'features' failed: worker process killed by SIGSEGV") {
      _ = try reward.score(try TestPlugins.structures())
    }
  }

  func testACycleAmongProvidersIsAConfigurationError() throws {
    let reward = try pipeline("providers_cycle", .inProcess)
    assertError("metrics depend on each other in a cycle: features → atoms_squared → features") {
      _ = try reward.metricRegistry.order(reward.requiredMetrics)
    }
  }
}
