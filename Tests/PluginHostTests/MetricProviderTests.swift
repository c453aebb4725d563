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
    assertThrows(
      PluginError.unknownProvider(
        path: library.info.path, name: "nope", available: ["atoms_squared", "features"])
    ) { _ = try PluginMetricProvider(library: library, name: "nope") }
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
      assertThrows(PluginError.nanOutput(subject: .provider("atoms_squared"), index: 1)) {
        _ = try pipeline("providers_nan_values", mode).score(structures)
      }
      assertThrows(
        PluginError.infiniteOutput(subject: .provider("features"), index: 2, negative: false)
      ) { _ = try pipeline("providers_inf_values", mode).score(structures) }
      assertThrows(
        PluginError.wrongCount(subject: .provider("features"), structures: 3, width: 2, got: 5)
      ) { _ = try pipeline("providers_short_count", mode).score(structures) }
      // Declared NaN means "not available" and is passed on as such (features, which copies
      // it without declaring NaN, is refused in turn).
      let registry = try pipeline("providers_nan_allowed", mode).metricRegistry
      let batch = StructureBatch(structures)
      let squares = try registry.compute(["atoms_squared"], for: batch)["atoms_squared"]!
      XCTAssertEqual(squares.values.map(\.isNaN), [false, true, false])
      assertThrows(PluginError.nanOutput(subject: .provider("features"), index: 1)) {
        _ = try registry.compute(["features"], for: batch)
      }
    }
  }

  func testACrashingProviderCostsOnlyTheBatchWhenIsolated() throws {
    let reward = try pipeline("providers_crash", .isolated)
    let error = thrownError(PluginError.self) { _ = try reward.score(try TestPlugins.structures()) }
    guard case .computeFailed(.provider("features"), let message)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertTrue(message.hasPrefix("worker process killed by SIGSEGV"), message)
  }

  func testACycleAmongProvidersIsAConfigurationError() throws {
    let reward = try pipeline("providers_cycle", .inProcess)
    assertThrows(
      RewardError.configuration(
        "metrics depend on each other in a cycle: features → atoms_squared → features")
    ) {
      _ = try reward.metricRegistry.order(reward.requiredMetrics)
    }
  }
}
