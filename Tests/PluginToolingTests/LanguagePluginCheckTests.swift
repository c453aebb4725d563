import PluginTooling
import TestSupport
import XCTest

/// The Rust and C++ example plugins pass `plugin check` with their parameter given.
final class LanguagePluginCheckTests: XCTestCase {
  func testPassPluginCheck() throws {
    var kit = PluginConformance()
    kit.configJSON = #"{"target_density": 0.05}"#
    for (language, path) in try ExamplePlugins.paths() {
      for result in try kit.run(path: path) where !result.passed {
        XCTFail("\(language) \(result.line)")
      }
    }
  }
}
