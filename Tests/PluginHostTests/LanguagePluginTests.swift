import CrystalCore
import Foundation
import PluginHost
import RewardPipeline
import TestSupport
import XCTest

/// The Rust (Examples/rust-plugin, cargo cdylib) and C++ (Examples/cpp-plugin, C++17) example
/// plugins, built as their READMEs say: they score like the C atomic-density plugin,
/// in-process and isolated, and turn a Rust error and a C++ exception into a status and a
/// message (`PluginToolingTests` checks that they pass `plugin check`).
final class LanguagePluginTests: XCTestCase {
  func plugins() throws -> [(language: String, path: String)] {
    try ExamplePlugins.paths()
  }

  func testScoreLikeTheCPluginInProcessAndIsolated() throws {
    let batch = StructureBatch(
      try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 40).map(\.structure)
        + CDVAEDataset.read(SharedData.url("carbon_24/val.csv"), limit: 10).map(\.structure))
    let c = try PluginLibrary(path: try PluginLocator.standard.locate("AtomicDensity"))
    for (name, config) in [
      ("atomic_density", "{}"), ("target_density", #"{"target_density":0.07}"#),
    ] {
      let expected = try PluginComponent(library: c, name: name, configJSON: config)
        .compute(batch, metrics: MetricTable())
      for (language, path) in try plugins() {
        let library = try PluginLibrary(path: path)
        let inProcess = try PluginComponent(library: library, name: name, configJSON: config)
        XCTAssertEqual(try inProcess.compute(batch, metrics: MetricTable()), expected, language)
        let isolated = try PluginComponent(path: path, name: name, configJSON: config)
        XCTAssertEqual(try isolated.compute(batch, metrics: MetricTable()), expected, language)
        XCTAssertEqual(
          try inProcess.compute(StructureBatch([]), metrics: MetricTable()), [], language)
      }
    }
  }

  func testAConfigErrorBecomesAStatusWithItsMessage() throws {
    for (language, path) in try plugins() {
      let library = try PluginLibrary(path: path)
      let error = thrownError(PluginError.self) {
        _ = try PluginComponent(
          library: library, name: "target_density", configJSON: #"{"target_density":"high"}"#)
      }
      guard case .createFailed(.component("target_density"), let message)? = error else {
        XCTFail("\(language): \(String(describing: error))")
        continue
      }
      XCTAssertTrue(
        message.contains("CRL_INVALID_ARGUMENT: target_density must be"), "\(language): \(message)")
    }
  }
}
