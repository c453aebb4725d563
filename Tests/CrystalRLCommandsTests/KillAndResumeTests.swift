import CrystalModels
import Foundation
import TestSupport
import XCTest

/// `train-rl` SIGKILLed at random moments and resumed with `--resume` until it completes:
/// every step is logged exactly once, in order, and every checkpoint it wrote loads.
final class KillAndResumeTests: XCTestCase {
  let binary = ProgramRun.crystalrl

  /// Starts the command line with `arguments` and the checkpoint store `store`.
  func start(_ arguments: [String], store: URL) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging([
      "CRYSTALRL_CHECKPOINTS": store.path
    ]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  func testKilledRunsResumeWithoutLosingSteps() throws {
    let directory = try SharedData.temporaryDirectory()
    let store = directory.appendingPathComponent("store")
    for arguments in [
      [
        "train-vae", "trainer.max_steps=10", "vae.width=16", "vae.heads=2", "vae.depth=1",
        "vae.max_atoms=8", "--run-dir", directory.appendingPathComponent("vae").path,
      ],
      [
        "train-ldm", "trainer.max_steps=10", "ldm.width=16", "ldm.heads=2", "ldm.depth=1",
        "--run-dir", directory.appendingPathComponent("ldm").path,
      ],
    ] {
      let process = try start(arguments, store: store)
      process.waitUntilExit()
      XCTAssertEqual(process.terminationStatus, 0, "\(arguments[0])")
    }
    let run = directory.appendingPathComponent("rl")
    let steps = 80
    let arguments = [
      "train-rl", "--run-dir", run.path, "--resume", "trainer.max_steps=\(steps)",
      "trainer.val_check_interval=3", "trainer.val_samples=4", "data.batch_size=2",
      "rl_module.rl_configs.num_group_samples=2", "rl_module.sampling_configs.sampling_steps=4",
    ]
    var random = SystemRandomNumberGenerator()
    var kills = 0
    var finished = false
    // Up to 40 lives are killed at random moments; the 41st runs to the end (within 5 minutes),
    // so a slow machine resumes once more instead of running out of lives.
    let lives = 41
    for life in 0..<lives where !finished {
      let process = try start(arguments, store: store)
      let lifetime = life == lives - 1 ? 300 : Double.random(in: 0.1...0.6, using: &random)
      let deadline = Date().addingTimeInterval(lifetime)
      while process.isRunning && Date() < deadline { usleep(10_000) }
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        kills += 1
      } else {
        XCTAssertEqual(process.terminationStatus, 0)
        finished = true
      }
    }
    XCTAssertTrue(finished, "the run never completed")
    XCTAssertGreaterThan(kills, 0, "no run was killed; the test proved nothing")
    let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
      .split(separator: "\n")
    let logged = try lines.map { line -> Int in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return (object?["step"] as? NSNumber)?.intValue ?? -1
    }
    XCTAssertEqual(logged, Array(1...steps), "after \(kills) kills")
    XCTAssertEqual(
      try ModelCheckpoint.step(of: run.appendingPathComponent("last.safetensors")), steps)
    XCTAssertNoThrow(
      try ModelCheckpoint.loadDiffusion(store.appendingPathComponent("builtin_ldm_rl.safetensors")))
    print("kill-and-resume: \(kills) SIGKILLs, \(steps) steps logged once each")
  }
}
