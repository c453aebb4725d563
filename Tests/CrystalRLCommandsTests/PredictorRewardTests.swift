import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalRLCommands
import Foundation
import RewardPipeline
import TensorEngine
import TestSupport
import XCTest

/// PredictorReward through the dlopen'd Predictor plugin: the seed's config shape, the same
/// predictions as the model in the host, clamping and target value, and clear errors.
final class PredictorRewardTests: XCTestCase {
  var checkpoint: URL!
  var predictor: PropertyPredictor!

  override func setUpWithError() throws {
    var random = SeededRandom(seed: 11)
    let vae = CrystalVAE(.init(width: 16, heads: 2, depth: 1, maxAtoms: 5), random: &random)
    predictor = PropertyPredictor(
      vae: vae, configuration: .init(targetName: "heat_ref", mean: 1.4, std: 0.7),
      random: &random)
    checkpoint = try SharedData.temporaryDirectory().appendingPathComponent("heat.safetensors")
    try ModelCheckpoint.save(predictor, to: checkpoint)
  }

  func pipeline(_ parameters: String) throws -> ReinforceReward {
    var factory = RewardFactory()
    return try factory.makePipeline(
      try ConfigValue.parse(
        yaml: """
          components:
            - _target_: src.rl_module.components.PredictorReward
              predictor:
                _target_: src.vae_module.predictor_module.PredictorModule.load_from_checkpoint
                checkpoint_path: \(checkpoint.path)
                map_location: cpu
          \(parameters)
          """, source: "test"))
  }

  func perovskites() throws -> [Structure] {
    try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 40).map(\.structure)
  }

  func testPluginPredictsWhatTheHostModelPredicts() throws {
    // The VAE was built for 5 atoms; larger cells are encoded as sets of their own size.
    let carbon = try CDVAEDataset.read(SharedData.url("carbon_24/val.csv"), limit: 10)
    let structures = try perovskites() + carbon.map(\.structure)
    XCTAssertGreaterThan(structures.map(\.count).max()!, 5)
    let expected = predictor.predict(structures)
    let plain = try pipeline("    target_name: heat_ref").score(structures)
    XCTAssertEqual(plain.components[0].raw, expected)
    // The same plugin file in its own worker process.
    let isolated = try pipeline("    isolation: process").score(structures)
    XCTAssertEqual(isolated.components[0].raw, expected)
    XCTAssertEqual(try pipeline("").score([]).components[0].raw, [])

    let (low, high) = (expected.sorted()[10], expected.sorted()[40])
    let targeted = try pipeline(
      "    target_value: 1.0\n    clip_min: \(low)\n    clip_max: \(high)"
    ).score(structures)
    for (reward, prediction) in zip(targeted.components[0].raw, expected) {
      let clamped = min(max(prediction, low), high)
      XCTAssertEqual(reward, -(clamped - 1) * (clamped - 1), accuracy: 1e-12)
    }
  }

  func testClearErrors() throws {
    func assertError(
      _ parameters: String, mentions expected: String, line: UInt = #line
    ) {
      XCTAssertThrowsError(try pipeline(parameters).score(perovskites()), line: line) { error in
        XCTAssertTrue("\(error)".contains(expected), "'\(error)' lacks '\(expected)'", line: line)
      }
    }
    assertError("    target_name: band_gap", mentions: "it was trained on 'heat_ref'")
    assertError("    clip_min: 2\n    clip_max: 1", mentions: "clip_min 2.0 is larger")
    assertError("    target_value: high", mentions: "target_value must be a number")
    try FileManager.default.removeItem(at: checkpoint)
    assertError("", mentions: "cannot load the predictor: no checkpoint at \(checkpoint.path)")
  }
}
