import Foundation
import TestSupport
import XCTest

/// `crystalrl plugin inspect` lists a plugin's components and metric providers; with
/// --isolated it looks at a plugin whose entry point crashes and reports it, where without
/// --isolated the same file takes the command down.
final class PluginInspectTests: XCTestCase {
  func inspect(_ arguments: [String]) throws -> ProgramRun {
    try ProgramRun(ProgramRun.crystalrl, ["plugin", "inspect"] + arguments)
  }

  func testProvidersAreListedInProcessAndIsolated() throws {
    for arguments in [["ToyPotential"], ["--isolated", "ToyPotential"]] {
      let result = try inspect(arguments)
      XCTAssertEqual(result.status, 0, result.errors)
      for line in [
        "built for:   ABI 1.1 (host speaks ABI 1.1)", "metric provider energy_per_atom (width 1)",
        "  may return NaN", "  parameter cutoff (number, default 6.0)",
      ] {
        XCTAssertTrue(result.output.contains(line), "no '\(line)' in:\n\(result.output)")
      }
    }
  }

  func testIsolatedInspectionSurvivesACrashingEntryPoint() throws {
    let plugin = try CPluginBuilder.build(
      source: SharedData.packageRoot.appendingPathComponent(
        "Tests/PluginHostTests/Fixtures/test_plugin.c"), defines: ["ENTRY_CRASH"],
      name: "entry_crash")
    let isolated = try inspect(["--isolated", "--timeout", "10", plugin])
    XCTAssertFalse(isolated.signaled)
    XCTAssertNotEqual(isolated.status, 0)
    XCTAssertTrue(isolated.errors.contains("SIGSEGV"), isolated.errors)
    let inProcess = try inspect([plugin])
    XCTAssertTrue(inProcess.signaled, "loading it in-process runs its crashing entry point")
  }
}
