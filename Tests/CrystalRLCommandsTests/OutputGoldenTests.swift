import CrystalCore
import Foundation
import TestSupport
import XCTest

/// What users read, byte for byte: `crystalrl reward` as a table, CSV and JSON, `evaluate`'s
/// table, JSON and per-structure flags, and the atomic-density and energy-plugin tutorials,
/// run as processes and compared with the files under Golden/. After an intended change of
/// output, regenerate a file with `CRYSTALRL_UPDATE_GOLDEN=1 swift test --filter
/// OutputGoldenTests` and review the diff.
final class OutputGoldenTests: XCTestCase {
  let root = SharedData.packageRoot

  /// Runs `executable` with `arguments` from /tmp (so nothing depends on the working
  /// directory); returns standard output, failing on a non-zero exit.
  func output(_ executable: String, _ arguments: [String], environment: [String: String] = [:])
    throws -> String
  {
    let run = try ProgramRun(
      executable, arguments, environment: environment, in: URL(fileURLWithPath: "/tmp"))
    XCTAssertEqual(run.status, 0, "\(executable) \(arguments): \(run.errors)")
    return run.output
  }

  /// Compares `text` with Golden/`name` (or rewrites it under CRYSTALRL_UPDATE_GOLDEN=1).
  func assertGolden(
    _ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line
  )
    throws
  {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["CRYSTALRL_UPDATE_GOLDEN"] == "1" {
      try text.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    XCTAssertEqual(text, expected, "output differs from Golden/\(name)", file: file, line: line)
  }

  func testRewardReportFormats() throws {
    for format in ["table", "csv", "json"] {
      let text = try output(
        ProgramRun.crystalrl,
        ["reward", "--structures", "builtin", "--limit", "4", "--format", format])
      try assertGolden(text, "reward-builtin.\(format == "table" ? "txt" : format)")
    }
    let target = try output(
      ProgramRun.crystalrl,
      [
        "reward", "--structures", "builtin", "--limit", "4", "--format", "csv",
        "custom_reward=target_density", "rl_module.reward_fn.components.0.target_density=0.08",
      ])
    try assertGolden(target, "reward-builtin-target-density.csv")
  }

  func testEvaluateTable() throws {
    let directory = try SharedData.temporaryDirectory()
    let samples = directory.appendingPathComponent("samples.csv")
    try CDVAEDataset.csv(Array(PrototypeLibrary.structures().prefix(6))).write(
      to: samples, atomically: true, encoding: .utf8)
    let text = try output(ProgramRun.crystalrl, ["evaluate", "--structures", samples.path])
    try assertGolden(text, "evaluate-builtin.txt")
    let flags = directory.appendingPathComponent("flags.csv")
    let json = try output(
      ProgramRun.crystalrl,
      ["evaluate", "--structures", samples.path, "--format", "json", "--per-structure", flags.path])
    try assertGolden(json, "evaluate-builtin.json")
    try assertGolden(try String(contentsOf: flags, encoding: .utf8), "evaluate-builtin-flags.csv")
  }

  /// The atomic-density tutorial's script, with its temporary directory written as $WORK.
  func testAtomicDensityExample() throws {
    let text = try output(
      root.appendingPathComponent("Examples/atomic-density/run.sh").path, [],
      environment: ["CRYSTALRL": ProgramRun.crystalrl])
    let stable = text.replacingOccurrences(
      of: #"/tmp/tmp\.[A-Za-z0-9]+"#, with: "$WORK", options: .regularExpression)
    try assertGolden(stable, "atomic-density-example.txt")
  }

  /// The energy-plugin tutorial's script (no Python: a C metric provider as the DNG reward's
  /// energy calculator), without a VAE so the diversity features are the descriptors.
  func testEnergyPluginExample() throws {
    let text = try output(
      root.appendingPathComponent("Examples/energy-plugin/run.sh").path, [],
      environment: [
        "CRYSTALRL": ProgramRun.crystalrl,
        "CRYSTALRL_CHECKPOINTS": try SharedData.temporaryDirectory().path,
      ])
    let stable = text.replacingOccurrences(
      of: #"/tmp/tmp\.[A-Za-z0-9]+"#, with: "$WORK", options: .regularExpression)
    try assertGolden(stable, "energy-plugin-example.txt")
  }
}
