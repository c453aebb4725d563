import Foundation
import TestSupport
import XCTest

/// `crystalrl plugin inspect --isolated` looks at a plugin whose entry point crashes and
/// reports it; without --isolated the same file takes the command down.
final class PluginInspectTests: XCTestCase {
  func inspect(_ arguments: [String]) throws -> (status: Int32, signaled: Bool, stderr: String) {
    let process = Process()
    process.executableURL = SharedData.packageRoot.appendingPathComponent(
      ".build/debug/crystalrl")
    process.arguments = ["plugin", "inspect"] + arguments
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    let text = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, process.terminationReason == .uncaughtSignal,
      String(decoding: text, as: UTF8.self)
    )
  }

  func testIsolatedInspectionSurvivesACrashingEntryPoint() throws {
    let plugin = try CPluginBuilder.build(
      source: SharedData.packageRoot.appendingPathComponent(
        "Tests/PluginHostTests/Fixtures/test_plugin.c"), defines: ["ENTRY_CRASH"],
      name: "entry_crash")
    let isolated = try inspect(["--isolated", "--timeout", "10", plugin])
    XCTAssertFalse(isolated.signaled)
    XCTAssertNotEqual(isolated.status, 0)
    XCTAssertTrue(isolated.stderr.contains("SIGSEGV"), isolated.stderr)
    let inProcess = try inspect([plugin])
    XCTAssertTrue(inProcess.signaled, "loading it in-process runs its crashing entry point")
  }
}
