import Foundation
import PluginHost
import RewardPipeline
import TestSupport
import XCTest

/// The compatibility promise of ABI 1.1: a plugin built against the frozen 1.0 header
/// (Fixtures/abi_1_0) loads and behaves exactly as before, in-process and isolated; a 1.1
/// plugin is refused by a host that speaks only 1.0, naming both versions; a component with
/// CRL_COMPONENT_METRICS_FROM_CONFIG receives the configured metrics, and only such a component
/// takes them.
final class ABICompatibilityTests: XCTestCase {
  func testABI10PluginLoadsAndScoresInThisHost() throws {
    let path = try TestPlugins.path("abi_1_0")
    let library = try PluginLibrary(path: path, log: { _, _ in })
    XCTAssertEqual(library.info.abiVersion, ABIVersion(major: 1, minor: 0))
    XCTAssertEqual(library.info.components.map(\.name), ["count"])
    XCTAssertEqual(library.info.providers, [])
    // Same description as the identical source built against the 1.1 header.
    let current = try PluginLibrary(path: try TestPlugins.path("good"), log: { _, _ in }).info
    XCTAssertEqual(library.info.components, current.components)
    XCTAssertEqual(try PluginWorkerClient.describe(path: path), library.info)

    let inProcess = try PluginComponent(
      library: library, name: "count", configJSON: #"{"offset": 0.5}"#)
    XCTAssertEqual(try TestPlugins.score(inProcess), [2.5, 1.5, 3.5])
    let isolated = try PluginComponent(
      path: path, name: "count", configJSON: #"{"offset": 0.5}"#, limits: WorkerLimits(timeout: 5))
    XCTAssertEqual(try TestPlugins.score(isolated), [2.5, 1.5, 3.5])
  }

  func testABI11PluginIsRefusedByAHostSpeaking10() throws {
    let path = try TestPlugins.path("providers")
    assertThrows(
      PluginError.incompatibleVersion(path: path, pluginVersion: "1.1", hostVersion: "1.0")
    ) {
      _ = try PluginLibrary(
        path: path, log: { _, _ in }, hostVersion: ABIVersion(major: 1, minor: 0))
    }
    // The 1.0 plugin is fine in that host.
    XCTAssertNoThrow(
      try PluginLibrary(
        path: try TestPlugins.path("abi_1_0"), log: { _, _ in },
        hostVersion: ABIVersion(major: 1, minor: 0)))
  }

  func testTheFrozenHeaderIsVersion10() throws {
    let header = try String(
      contentsOfFile: TestPlugins.abi10Include + "/crystalrl_plugin.h", encoding: .utf8)
    XCTAssertTrue(header.contains("#define CRL_ABI_VERSION_MINOR 0"))
    XCTAssertFalse(header.contains("crl_provider_desc"))
    XCTAssertFalse(header.contains("CRL_COMPONENT_METRICS_FROM_CONFIG"))
  }

  func testMetricsFromConfigComponentReceivesTheConfiguredMetrics() throws {
    let path = try TestPlugins.path("metrics_from_config")
    let library = try PluginLibrary(path: path, log: { _, _ in })
    let info = try library.component(named: "count")
    XCTAssertTrue(info.metricsFromConfig)
    XCTAssertEqual(info.requiredMetrics, [])
    XCTAssertEqual(try PluginWorkerClient.describe(path: path), library.info)

    let config = #"{"offset": 0.5}"#
    let inProcess = try PluginComponent(
      library: library, name: "count", configJSON: config, requiredMetrics: ["num_atoms"])
    XCTAssertEqual(inProcess.requiredMetrics, ["num_atoms"])
    XCTAssertEqual(try TestPlugins.score(inProcess), [2.5, 1.5, 3.5])
    let isolated = try PluginComponent(
      path: path, name: "count", configJSON: config, limits: WorkerLimits(timeout: 5),
      requiredMetrics: ["num_atoms"])
    XCTAssertEqual(isolated.requiredMetrics, ["num_atoms"])
    XCTAssertEqual(try TestPlugins.score(isolated), [2.5, 1.5, 3.5])
    // Without a configured list it receives no metrics, as from a host predating the flag.
    let unconfigured = try PluginComponent(library: library, name: "count", configJSON: config)
    XCTAssertEqual(unconfigured.requiredMetrics, [])
    let error = thrownError(PluginError.self) { _ = try TestPlugins.score(unconfigured) }
    guard case .computeFailed(.component("count"), let message)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertTrue(message.contains("expected the num_atoms metric"), message)
  }

  func testConfiguredMetricsNeedTheFlag() throws {
    let path = try TestPlugins.path("good")
    let library = try PluginLibrary(path: path, log: { _, _ in })
    XCTAssertFalse(try library.component(named: "count").metricsFromConfig)
    let expected = PluginError.createFailed(
      subject: .component("count"),
      message: "required_metrics is only for components that take their metrics from the "
        + "config (CRL_COMPONENT_METRICS_FROM_CONFIG, e.g. PythonReward's python); this one "
        + "declares its own: num_atoms")
    XCTAssertThrowsError(
      try PluginComponent(library: library, name: "count", requiredMetrics: ["density"])
    ) { XCTAssertEqual($0 as? PluginError, expected) }
    XCTAssertThrowsError(
      try PluginComponent(
        path: path, name: "count", configJSON: "{}", limits: WorkerLimits(timeout: 5),
        requiredMetrics: ["density"])
    ) { XCTAssertEqual($0 as? PluginError, expected) }
  }
}
