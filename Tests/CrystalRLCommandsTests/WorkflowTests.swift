import CrystalCore
import CrystalRLCommands
import Foundation
import TestSupport
import XCTest

/// Chemeleon2's workflow through the command line on the built-in data, with tiny models:
/// train-vae → train-ldm → train-rl → sample → evaluate.
final class WorkflowTests: XCTestCase {
  func run(_ arguments: [String]) throws {
    var command = try CrystalRLCommand.parseAsRoot(arguments)
    try command.run()
  }

  func testTrainSampleEvaluate() throws {
    let directory = try SharedData.temporaryDirectory()
    setenv("CRYSTALRL_CHECKPOINTS", directory.appendingPathComponent("store").path, 1)
    defer { unsetenv("CRYSTALRL_CHECKPOINTS") }
    let run = { (name: String) in directory.appendingPathComponent(name).path }
    try self.run([
      "train-vae", "--run-dir", run("vae"), "trainer.max_steps=20", "vae.width=16", "vae.heads=2",
      "vae.depth=1", "vae.max_atoms=8",
    ])
    try self.run([
      "train-ldm", "--run-dir", run("ldm"), "trainer.max_steps=20", "ldm.width=16", "ldm.heads=2",
      "ldm.depth=1", "ldm.sampling_steps=5",
    ])
    let rlArguments = [
      "train-rl", "--run-dir", run("rl"), "trainer.val_check_interval=1", "trainer.val_samples=4",
      "rl_module.rl_configs.num_group_samples=2", "data.batch_size=2",
      "rl_module.sampling_configs.sampling_steps=5",
    ]
    try self.run(rlArguments + ["trainer.max_steps=2"])
    try self.run(rlArguments + ["trainer.max_steps=3", "--resume"])
    let metrics = try String(contentsOfFile: run("rl") + "/metrics.csv", encoding: .utf8)
    XCTAssertEqual(metrics.split(separator: "\n").count, 4, "header and three steps")
    XCTAssertTrue(FileManager.default.fileExists(atPath: run("rl") + "/reward_curve.svg"))
    for name in ["builtin_vae", "builtin_ldm_base", "builtin_ldm_rl"] {
      XCTAssertTrue(
        FileManager.default.fileExists(atPath: run("store") + "/\(name).safetensors"), name)
    }
    try self.run([
      "sample", "--count", "6", "--output", run("samples.csv"),
      "rl_module.sampling_configs.sampling_steps=5",
    ])
    let samples = try CDVAEDataset.read(URL(fileURLWithPath: run("samples.csv")))
    XCTAssertEqual(samples.count, 6)
    XCTAssertTrue(samples.allSatisfy { $0.structure.count <= 8 })
    try self.run(["evaluate", "--structures", run("samples.csv")])
  }

  /// The predictor tutorial's path on perov_5: train-vae → train-predictor → train-ldm →
  /// train-rl with custom_reward=predictor (the Predictor plugin plus composition diversity).
  func testPredictorWorkflow() throws {
    let directory = try SharedData.temporaryDirectory()
    setenv("CRYSTALRL_CHECKPOINTS", directory.appendingPathComponent("store").path, 1)
    setenv("CRYSTALRL_CACHE", directory.appendingPathComponent("cache").path, 1)
    defer {
      unsetenv("CRYSTALRL_CHECKPOINTS")
      unsetenv("CRYSTALRL_CACHE")
    }
    let run = { (name: String) in directory.appendingPathComponent(name).path }
    let data = ["data=perov_5", "data.train_file=\(SharedData.url("perov_5/val.csv").path)"]
    try self.run(
      [
        "train-vae", "--run-dir", run("vae"), "trainer.max_steps=10", "vae.width=16", "vae.heads=2",
        "vae.depth=1", "vae.max_atoms=5",
      ] + data)
    XCTAssertThrowsError(
      try self.run(["train-predictor", "predictor.target_name=band_gap"] + data)
    ) { error in
      XCTAssertTrue("\(error)".contains("numeric columns: dir_gap, heat_all"), "\(error)")
    }
    try self.run(
      [
        "train-predictor", "--run-dir", run("predictor"), "trainer.max_steps=20",
        "predictor.hidden=16",
      ] + data)
    let log = try String(contentsOfFile: run("predictor") + "/metrics.csv", encoding: .utf8)
    XCTAssertTrue(log.contains("validation_mae"))
    try self.run(
      [
        "train-ldm", "--run-dir", run("ldm"), "trainer.max_steps=10", "ldm.width=16", "ldm.heads=2",
        "ldm.depth=1", "ldm.sampling_steps=5",
      ] + data)
    try self.run(
      [
        "train-rl", "--run-dir", run("rl"), "custom_reward=predictor", "trainer.max_steps=2",
        "trainer.val_check_interval=1", "trainer.val_samples=4", "data.batch_size=2",
        "rl_module.rl_configs.num_group_samples=3", "rl_module.sampling_configs.sampling_steps=5",
      ] + data)
    let metrics = try String(contentsOfFile: run("rl") + "/metrics.csv", encoding: .utf8)
    XCTAssertTrue(metrics.contains("reward/predictor"), metrics)
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: run("store") + "/perov_5_ldm_rl.safetensors"))
  }

  func testMissingCheckpointSaysHowToMakeIt() throws {
    setenv("CRYSTALRL_CHECKPOINTS", try SharedData.temporaryDirectory().path, 1)
    defer { unsetenv("CRYSTALRL_CHECKPOINTS") }
    XCTAssertThrowsError(try run(["train-ldm"])) { error in
      XCTAssertTrue(
        "\(error)".contains("checkpoint 'builtin_vae' is not in the local store"), "\(error)")
      XCTAssertTrue("\(error)".contains("crystalrl train-vae"), "\(error)")
    }
    XCTAssertThrowsError(
      try run(["config", "--key", "rl_module.reward_fn", "custom_reward=predictor", "data=perov_5"])
    ) { error in
      XCTAssertTrue("\(error)".contains("perov_5_predictor_heat_ref"), "\(error)")
      XCTAssertTrue("\(error)".contains("crystalrl train-predictor"), "\(error)")
    }
  }
}
