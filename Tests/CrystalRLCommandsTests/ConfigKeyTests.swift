import CrystalConfig
import Foundation
import TestSupport
import XCTest

@testable import CrystalRLCommands

/// Every key under configs/ is read by some command: each primary config is composed with
/// every option of its groups, the commands' settings are read from it, and a leaf that no
/// composition's reads cover fails the test.
final class ConfigKeyTests: XCTestCase {
  let loader = ConfigLoader(directory: SharedData.packageRoot.appendingPathComponent("configs"))
  var leaves: Set<String> = []
  var read: Set<String> = []

  /// Composes `primary`, lets `readSettings` read it, and notes which leaves it covered.
  func compose(
    _ primary: String, _ overrides: [String], readSettings: (ComposedConfig) throws -> Void
  )
    throws
  {
    let root = try loader.compose(primary: primary, overrides: overrides)
    let config = ComposedConfig(
      root: root, resolvers: ["hub": { .string("/checkpoints/\($0).safetensors") }])
    try readSettings(config)
    let all = Set(root.leafPaths())
    leaves.formUnion(all)
    read.formUnion(all.subtracting(config.reads.unread(in: root)))
  }

  func testEveryConfigKeyIsRead() throws {
    for data in loader.options(of: "data") {
      let dataset = ["data=\(data)"]
      for reward in loader.options(of: "custom_reward") {
        for experiment in [[]] + loader.options(of: "experiment").map({ ["experiment=\($0)"] }) {
          try compose("train_rl", dataset + ["custom_reward=\(reward)"] + experiment) { config in
            _ = try TrainRLCommand.Settings(config, runDir: nil)
            _ = try SampleCommand.Settings(config, ldmGiven: false, runDir: nil)
            _ = try EvaluateCommand.Settings(config)
          }
        }
      }
      try compose("train_vae", dataset) { _ = try TrainVAECommand.Settings($0, runDir: nil) }
      try compose("train_ldm", dataset) { _ = try TrainLDMCommand.Settings($0, runDir: nil) }
      try compose("train_predictor", dataset) {
        _ = try TrainPredictorCommand.Settings($0, runDir: nil)
      }
      try compose("quickstart", dataset) { _ = try QuickstartCommand.Settings($0, runDir: nil) }
    }
    XCTAssertEqual(leaves.subtracting(read).sorted(), [], "config keys that nothing reads")
    XCTAssertGreaterThan(leaves.count, 60)
  }

  /// The check itself: a key no command reads is reported.
  func testAnUnreadKeyIsReported() throws {
    try compose("train_vae", ["+vae.unused_setting=3"]) {
      _ = try TrainVAECommand.Settings($0, runDir: nil)
    }
    XCTAssertTrue(leaves.subtracting(read).contains("vae.unused_setting"))
    XCTAssertTrue(read.contains("vae.width"))
  }
}
