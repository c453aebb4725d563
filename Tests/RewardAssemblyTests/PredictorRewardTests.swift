import CrystalConfig
import CrystalCore
import CrystalModels
import CrystalRLABI
import Foundation
import PluginHost
import RewardAssembly
import RewardPipeline
import TensorEngine
import TestSupport
import XCTest

/// PredictorReward through the dlopen'd Predictor plugin: Chemeleon2's config shape, the same
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
    try rewardPipeline(
      """
      components:
        - _target_: src.rl_module.components.PredictorReward
          predictor:
            _target_: src.vae_module.predictor_module.PredictorModule.load_from_checkpoint
            checkpoint_path: \(checkpoint.path)
            map_location: cpu
      \(parameters)
      """)
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

  /// A batch from a foreign or broken host, handed to the plugin through the C ABI directly:
  /// each fault is an error status with a message, never a trap.
  func testMalformedBatchesAreErrors() throws {
    let handle = try XCTUnwrap(dlopen(try PluginLocator.standard.locate("Predictor"), RTLD_NOW))
    defer { dlclose(handle) }
    let entry = unsafeBitCast(
      try XCTUnwrap(dlsym(handle, CRL_ENTRY_SYMBOL)), to: crl_entry_fn.self)
    let component = try XCTUnwrap(entry(nil)).pointee.components.pointee
    var instance: UnsafeMutableRawPointer?
    var message = [CChar](repeating: 0, count: 512)
    XCTAssertEqual(
      component.create(nil, "{\"predictor\": \"\(checkpoint.path)\"}", &instance, &message, 512),
      CRL_OK)
    defer { component.destroy(instance) }

    func compute(
      offsets: [UInt64], numbers: [Int32], coordinates: [Double], lattice: [Double]
    ) -> (crl_status, String) {
      var rewards = [Double](repeating: 0, count: offsets.count - 1)
      return offsets.withUnsafeBufferPointer { offsets in
        numbers.withUnsafeBufferPointer { numbers in
          coordinates.withUnsafeBufferPointer { coordinates in
            lattice.withUnsafeBufferPointer { lattice in
              rewards.withUnsafeMutableBufferPointer { rewards in
                var batch = crl_batch(
                  struct_size: UInt32(MemoryLayout<crl_batch>.size), reserved: 0,
                  num_structures: UInt64(offsets.count - 1), num_atoms: UInt64(numbers.count),
                  atom_offsets: offsets.baseAddress, atomic_numbers: numbers.baseAddress,
                  frac_coords: coordinates.baseAddress, lattices: lattice.baseAddress,
                  num_metrics: 0, metrics: nil)
                var output = crl_output(
                  struct_size: UInt32(MemoryLayout<crl_output>.size), reserved: 0,
                  rewards: rewards.baseAddress, capacity: UInt64(rewards.count), count: 0)
                let status = component.compute(instance, &batch, &output, &message, 512)
                return (
                  status,
                  String(
                    decoding: message.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self
                  )
                )
              }
            }
          }
        }
      }
    }
    let cubic = [4.0, 0, 0, 0, 4, 0, 0, 0, 4]
    let pair = [0.0, 0, 0, 0.5, 0.5, 0.5]
    XCTAssertEqual(
      compute(offsets: [0, 2], numbers: [11, 17], coordinates: pair, lattice: cubic).0, CRL_OK)
    let faults:
      [(
        offsets: [UInt64], numbers: [Int32], coordinates: [Double], lattice: [Double],
        expected: String
      )] = [
        ([0, 3], [11, 17], pair, cubic, "atom offsets 0..<3 outside the batch"),
        ([2, 0], [11, 17], pair, cubic, "atom offsets 2..<0 outside the batch"),
        ([0, 2], [11, 150], pair, cubic, "atomic number 150"),
        ([0, 2], [11, 17], pair, [Double](repeating: 0, count: 9), "structure 0:"),
        ([0, 2], [11, 17], [0, 0, 0, .nan, 0.5, 0.5], cubic, "structure 0:"),
      ]
    for fault in faults {
      let (status, text) = compute(
        offsets: fault.offsets, numbers: fault.numbers, coordinates: fault.coordinates,
        lattice: fault.lattice)
      XCTAssertEqual(status, CRL_INVALID_ARGUMENT, fault.expected)
      XCTAssertTrue(text.contains(fault.expected), "'\(text)' lacks '\(fault.expected)'")
    }
  }

  func testClearErrors() throws {
    func assertCreateError(
      _ parameters: String, mentions expected: String, line: UInt = #line
    ) {
      assertPluginFailure("predictor", mentions: [expected], line: line) {
        _ = try pipeline(parameters).score(perovskites())
      }
    }
    assertCreateError("    target_name: band_gap", mentions: "it was trained on 'heat_ref'")
    assertCreateError("    clip_min: 2\n    clip_max: 1", mentions: "clip_min 2.0 is larger")
    assertConfigurationError(["target_value must be a number"]) {
      _ = try pipeline("    target_value: high").score(perovskites())
    }
    try FileManager.default.removeItem(at: checkpoint)
    assertCreateError(
      "", mentions: "cannot load the predictor: no checkpoint at \(checkpoint.path)")
  }
}
