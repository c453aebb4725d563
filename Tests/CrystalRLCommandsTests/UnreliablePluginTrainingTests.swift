import Foundation
import RewardPipeline
import TestSupport
import XCTest

@testable import CrystalRLCommands

/// `train-rl` against an isolated plugin that crashes: with `on_error: skip` a crash costs
/// one step, and `trainer.max_consecutive_failures` crashes in a row end the run.
final class UnreliablePluginTrainingTests: XCTestCase {
  var directory: URL!
  var plugin = ""

  override func setUpWithError() throws {
    directory = try SharedData.temporaryDirectory()
    setenv("CRYSTALRL_CHECKPOINTS", directory.appendingPathComponent("store").path, 1)
    plugin = try CPluginBuilder.build(
      source: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/flaky_plugin.c"), name: "flaky")
    try run([
      "train-vae", "--run-dir", path("vae"), "trainer.max_steps=10", "vae.width=16",
      "vae.heads=2", "vae.depth=1", "vae.max_atoms=8",
    ])
    try run([
      "train-ldm", "--run-dir", path("ldm"), "trainer.max_steps=10", "ldm.width=16",
      "ldm.heads=2", "ldm.depth=1",
    ])
  }

  override func tearDown() { unsetenv("CRYSTALRL_CHECKPOINTS") }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  func run(_ arguments: [String]) throws {
    var command = try CrystalRLCommand.parseAsRoot(arguments)
    try command.run()
  }

  /// train-rl with the flaky plugin isolated under `on_error: skip`, crashing every
  /// `crashEvery`-th call.
  func trainRL(crashEvery: Int, steps: Int) throws {
    let component = "rl_module.reward_fn.components.0"
    try run([
      "train-rl", "--run-dir", path("rl"), "trainer.max_steps=\(steps)",
      "trainer.val_check_interval=1000", "data.batch_size=2",
      "rl_module.rl_configs.num_group_samples=2", "rl_module.sampling_configs.sampling_steps=4",
      "\(component).plugin=\(plugin)", "\(component).component=flaky",
      "+\(component).counter_file=\(path("calls"))", "+\(component).crash_every=\(crashEvery)",
      "+\(component).isolation=process", "+\(component).timeout=20",
      "+\(component).on_error=skip",
    ])
  }

  func testACrashEveryThirdCallSkipsThoseSteps() throws {
    try trainRL(crashEvery: 3, steps: 9)
    let rows = try String(contentsOfFile: path("rl") + "/metrics.jsonl", encoding: .utf8)
      .split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
      }
    XCTAssertEqual(rows.map { ($0["step"] as? NSNumber)?.intValue }, Array(1...9))
    let skipped = rows.filter { $0["skipped"] != nil }.map { ($0["step"] as! NSNumber).intValue }
    XCTAssertEqual(skipped, [3, 6, 9])
    XCTAssertTrue(rows.filter { $0["skipped"] == nil }.allSatisfy { $0["reward"] is NSNumber })
  }

  func testConsecutiveFailuresEndTheRun() throws {
    XCTAssertThrowsError(try trainRL(crashEvery: 1, steps: 9)) { error in
      guard case .component(_, let message) = error as? RewardError else {
        return XCTFail("\(error)")
      }
      XCTAssertTrue(message.hasPrefix("failed 3 steps in a row"), message)
      XCTAssertTrue(message.contains("SIGSEGV"), message)
    }
    let log = try String(contentsOfFile: path("rl") + "/metrics.jsonl", encoding: .utf8)
    XCTAssertEqual(
      log.split(separator: "\n").count, 2, "two skipped steps logged, the third ends the run")
  }
}
