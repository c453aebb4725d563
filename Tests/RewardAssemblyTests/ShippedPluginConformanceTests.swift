import CrystalModels
import Foundation
import PluginHost
import TensorEngine
import TestSupport
import XCTest

/// Every plugin the package ships passes `plugin check` (`PluginConformance`): the edge
/// batches, two instances at once, 1000 create/destroy cycles (100 and a 200-structure large
/// batch for the Predictor, whose creates load a checkpoint). PythonReward is checked by
/// `PluginNewCommandTests`, with the module `plugin new --language python` writes.
final class ShippedPluginConformanceTests: XCTestCase {
  func check(
    _ plugin: String, config: String = "{}", largeBatch: Int = 10_000, cycles: Int = 1000
  ) throws {
    var kit = PluginConformance()
    kit.configJSON = config
    kit.largeBatch = largeBatch
    kit.lifecycleCycles = cycles
    let results = try kit.run(path: try PluginLocator.standard.locate(plugin))
    XCTAssertGreaterThan(results.count, 9, plugin)
    for result in results where !result.passed {
      XCTFail("\(plugin) \(result.component): \(result.check): \(result.violation!)")
    }
  }

  func testCPluginsPass() throws {
    try check("AtomicDensity", config: #"{"target_density": 0.05}"#)
    try check("DNG")
  }

  func testSwiftPluginsPass() throws {
    try check("AtomicDensitySwift")
    var random = SeededRandom(seed: 3)
    let vae = CrystalVAE(.init(width: 8, heads: 2, depth: 1, maxAtoms: 4), random: &random)
    let predictor = PropertyPredictor(
      vae: vae, configuration: .init(targetName: "heat_ref", mean: 1, std: 1), random: &random)
    let checkpoint = try SharedData.temporaryDirectory().appendingPathComponent("p.safetensors")
    try ModelCheckpoint.save(predictor, to: checkpoint)
    // Every create loads the checkpoint and the model runs unoptimized in a debug build:
    // smaller counts keep this quick.
    try check(
      "Predictor", config: #"{"predictor": "\#(checkpoint.path)"}"#, largeBatch: 200, cycles: 100)
  }

  func testFunctionRewardPasses() throws {
    try check(
      "FunctionReward",
      config:
        #"{"library": "libm.so.6", "function": "cbrt", "signature": "double (double volume)"}"#)
  }
}
