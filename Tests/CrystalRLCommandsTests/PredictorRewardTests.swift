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
    var configuration = CrystalVAE.Configuration()
    configuration.width = 16
    configuration.heads = 2
    configuration.depth = 1
    configuration.maxAtoms = 5
    let vae = CrystalVAE(configuration, random: &random)
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
    let structures = try perovskites()
    let expected = predictor.predict(structures)
    let plain = try pipeline("    target_name: heat_ref").score(structures)
    XCTAssertEqual(plain.components[0].raw, expected)

    let (low, high) = (expected.sorted()[10], expected.sorted()[30])
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
      _ parameters: String, structures: [Structure]? = nil, mentions expected: String,
      line: UInt = #line
    ) {
      XCTAssertThrowsError(
        try pipeline(parameters).score(structures ?? perovskites()), line: line
      ) { error in
        XCTAssertTrue("\(error)".contains(expected), "'\(error)' lacks '\(expected)'", line: line)
      }
    }
    assertError("    target_name: band_gap", mentions: "it was trained on 'heat_ref'")
    assertError("    clip_min: 2\n    clip_max: 1", mentions: "clip_min 2.0 is larger")
    assertError("    target_value: high", mentions: "target_value must be a number")
    let big = try Structure(
      lattice: try Lattice.cubic(6), elements: Array(repeating: Element(symbol: "C")!, count: 6),
      fractional: (0..<6).map { Vector3(Double($0) / 6, 0, 0) })
    assertError("", structures: [big], mentions: "structure 0 has 6 atoms")
    try FileManager.default.removeItem(at: checkpoint)
    assertError("", mentions: "cannot load the predictor: no checkpoint at \(checkpoint.path)")
  }
}
