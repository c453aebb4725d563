import Foundation
import PluginHost
import PluginTooling
import TestSupport
import XCTest

/// `PluginConformance` (`crystalrl plugin check`) on Fixtures/broken_plugin.c, whose every
/// component breaks one rule on one edge batch: each violation is caught, named, and only
/// where it happens.
final class PluginConformanceTests: XCTestCase {
  func testEveryViolationOfTheBrokenPluginIsCaught() throws {
    let path = try CPluginBuilder.build(
      source: SharedData.packageRoot.appendingPathComponent(
        "Tests/PluginHostTests/Fixtures/broken_plugin.c"), name: "broken")
    var kit = PluginConformance()
    kit.limits = WorkerLimits(timeout: 1)
    kit.largeBatch = 6000
    let results = try kit.run(path: path)
    let failures = Dictionary(
      grouping: results.filter { !$0.passed }, by: { "\($0.component): \($0.check)" }
    ).mapValues { $0[0].violation! }
    let expected = [
      "wrong_count: a 200-atom cell": "wrong count: ",
      "nan: one 1-atom cell": "non-finite output: ",
      "crash: every element H..Lr": "crash: ",
      "crash: two instances at once": "crash: ",
      "hang: 6000 structures": "timeout: ",
      "silent: empty batch": "error without a message: ",
      "leak: create/destroy x1000": "memory grew by ",
      "shared: two instances at once": "different results: ",
      "scribble: a 200-atom cell": "write into the batch: ",
    ]
    XCTAssertEqual(Set(failures.keys), Set(expected.keys))
    for (check, prefix) in expected {
      XCTAssertTrue(failures[check]?.hasPrefix(prefix) ?? false, "\(check): \(failures[check]!)")
    }
    XCTAssertEqual(results.count, 1 + 8 * 9)
  }
}
