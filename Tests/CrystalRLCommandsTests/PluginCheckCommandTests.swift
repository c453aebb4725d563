import Foundation
import TestSupport
import XCTest

/// `crystalrl plugin check`: one line per check, exit status 1 on a violation, 0 when all pass.
final class PluginCheckCommandTests: XCTestCase {
  func check(_ arguments: [String]) throws -> ProgramRun {
    try ProgramRun(ProgramRun.crystalrl, ["plugin", "check"] + arguments)
  }

  func testExitStatusFollowsTheChecks() throws {
    let passing = try check(["AtomicDensity", "--component", "atomic_density"])
    XCTAssertEqual(passing.status, 0, passing.output)
    XCTAssertTrue(passing.output.contains("pass atomic_density: every element H..Lr"))
    XCTAssertTrue(passing.output.hasSuffix("all 10 checks passed\n"), passing.output)
    let broken = try CPluginBuilder.build(
      source: SharedData.packageRoot.appendingPathComponent(
        "Tests/PluginHostTests/Fixtures/broken_plugin.c"), name: "broken")
    let failing = try check([broken, "--component", "silent", "--structures", "100"])
    XCTAssertEqual(failing.status, 1, failing.output)
    XCTAssertTrue(
      failing.output.contains("FAIL silent: empty batch: error without a message"),
      failing.output)
    XCTAssertTrue(failing.output.hasSuffix("1 of 10 checks failed\n"), failing.output)
  }
}
