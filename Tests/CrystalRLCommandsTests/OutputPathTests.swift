import CrystalCore
import Foundation
import TestSupport
import XCTest

@testable import CrystalRLCommands

/// A command's relative paths stay where the user was when an in-process plugin changes the
/// working directory (`chdir` in its create()).
final class OutputPathTests: XCTestCase {
  var user: URL!
  var elsewhere: URL!
  var plugin = ""

  override func setUpWithError() throws {
    user = try SharedData.temporaryDirectory()
    elsewhere = try SharedData.temporaryDirectory()
    plugin = try CPluginBuilder.build(
      source: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/chdir_plugin.c"), name: "chdir")
    try CDVAEDataset.csv(Array(PrototypeLibrary.structures().prefix(4))).write(
      to: user.appendingPathComponent("samples.csv"), atomically: true, encoding: .utf8)
  }

  /// The overrides that make the reward's first component the plugin that moves to
  /// `elsewhere`.
  var chdirComponent: [String] {
    let component = "rl_module.reward_fn.components.0"
    return [
      "\(component).plugin=\(plugin)", "\(component).component=atoms",
      "+\(component).directory=\(elsewhere.path)",
    ]
  }

  /// Runs the command line in the user's directory; fails on a non-zero exit.
  @discardableResult
  func crystalrl(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let run = try ProgramRun(
      ProgramRun.crystalrl, arguments, environment: environment, in: user)
    XCTAssertEqual(run.status, 0, "\(arguments): \(run.errors)")
    return run.output
  }

  func testRewardReadsItsRelativeStructureFileAfterAPluginMoves() throws {
    let csv = try crystalrl(
      ["reward", "--structures", "samples.csv", "--format", "csv"] + chdirComponent)
    XCTAssertEqual(csv.split(separator: "\n").count, 5, csv)
  }

  func testEvaluateWritesItsRelativeOutputWhereTheUserIs() throws {
    try crystalrl(
      ["evaluate", "--structures", "samples.csv", "--per-structure", "flags.csv"]
        + chdirComponent)
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: user.appendingPathComponent("flags.csv").path))
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("flags.csv").path))
  }

  func testTrainRLKeepsItsRelativeRunDirectoryWhereTheUserIs() throws {
    let store = ["CRYSTALRL_CHECKPOINTS": user.appendingPathComponent("store").path]
    try crystalrl(
      [
        "train-vae", "--run-dir", "vae", "trainer.max_steps=4", "vae.width=16", "vae.heads=2",
        "vae.depth=1", "vae.max_atoms=8",
      ], environment: store)
    try crystalrl(
      [
        "train-ldm", "--run-dir", "ldm", "trainer.max_steps=4", "ldm.width=16", "ldm.heads=2",
        "ldm.depth=1",
      ], environment: store)
    try crystalrl(
      [
        "train-rl", "--run-dir", "rl", "trainer.max_steps=2", "trainer.val_check_interval=1000",
        "data.batch_size=2", "rl_module.rl_configs.num_group_samples=2",
        "rl_module.sampling_configs.sampling_steps=2",
      ] + chdirComponent, environment: store)
    for name in ["vae", "ldm", "rl"] {
      XCTAssertTrue(
        FileManager.default.fileExists(
          atPath: user.appendingPathComponent("\(name)/metrics.csv").path), name)
    }
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("rl").path))
  }
}
