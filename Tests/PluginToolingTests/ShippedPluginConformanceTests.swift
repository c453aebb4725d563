import CrystalModels
import Foundation
import PluginHost
import PluginTooling
import TensorEngine
import TestSupport
import XCTest

/// Every plugin the package ships passes `plugin check` (`PluginConformance`): the edge
/// batches, two instances at once, 1000 create/destroy cycles (100 and a 200-structure large
/// batch for the Predictor, whose creates load a checkpoint). PythonReward is checked by
/// `PluginNewCommandTests`, with the module `plugin new --language python` writes.
final class ShippedPluginConformanceTests: XCTestCase {
  func check(
    _ plugin: String, config: String = "{}", largeBatch: Int = 10_000, cycles: Int = 1000,
    timeout: Double = 60
  ) throws {
    var kit = PluginConformance()
    kit.configJSON = config
    kit.limits = WorkerLimits(timeout: timeout)
    kit.largeBatch = largeBatch
    kit.lifecycleCycles = cycles
    let results = try kit.run(path: try PluginLocator.standard.locate(plugin))
    XCTAssertGreaterThan(results.count, 9, plugin)
    for result in results where !result.passed { XCTFail("\(plugin) \(result.line)") }
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
    // smaller counts keep this quick, and a longer timeout keeps two instances at once (300
    // structures each) from timing out on a busy machine.
    try check(
      "Predictor", config: #"{"predictor": "\#(checkpoint.path)"}"#, largeBatch: 200, cycles: 100,
      timeout: 300)
  }

  /// `crystalrl plugin check NAME`, no other arguments, passes for every plugin under
  /// Plugins/: a component whose parameters have no default is reported as not checked (with
  /// the missing parameters and `--config`), not as a violation, and the status is 0.
  func testEveryShippedPluginPassesPluginCheckWithNoArguments() throws {
    let plugins = try FileManager.default.contentsOfDirectory(
      atPath: SharedData.packageRoot.appendingPathComponent("Plugins").path
    ).filter { $0 != "SwiftPluginKit" }  // the Swift plugins' helper library, not a plugin
    XCTAssertEqual(plugins.count, 7, "\(plugins)")
    for plugin in plugins.sorted() {
      let run = try ProgramRun(ProgramRun.crystalrl, ["plugin", "check", plugin])
      XCTAssertEqual(run.status, 0, "\(plugin): \(run.output)\(run.errors)")
      XCTAssertFalse(run.output.contains("FAIL"), "\(plugin): \(run.output)")
      XCTAssertTrue(
        run.output.split(separator: "\n").last?.hasPrefix("all ") ?? false,
        "\(plugin): \(run.output)")
    }
  }

  /// AtomicDensity's target_density needs a parameter: not checked, named, with how to pass it;
  /// atomic_density is checked in full.
  func testAComponentNeedingParametersIsNotChecked() throws {
    let run = try ProgramRun(ProgramRun.crystalrl, ["plugin", "check", "AtomicDensity"])
    XCTAssertEqual(run.status, 0, run.output)
    XCTAssertTrue(
      run.output.contains(
        #"not checked target_density: needs the parameter target_density (no default); "#
          + #"pass it with --config '{"target_density": …}'"#), run.output)
    XCTAssertTrue(run.output.contains("pass atomic_density: every element H..Lr"), run.output)
    XCTAssertTrue(
      run.output.hasSuffix(
        "all 10 checks passed; not checked (parameters needed): target_density\n"), run.output)
    var kit = PluginConformance()
    kit.components = ["target_density"]
    kit.configJSON = #"{"unrelated": 1}"#
    let results = try kit.run(path: try PluginLocator.standard.locate("AtomicDensity"))
    XCTAssertEqual(results.map(\.check), ["load and describe", "create"])
    guard case .notChecked(let reason) = results[1].outcome else {
      return XCTFail("\(results[1])")
    }
    XCTAssertTrue(reason.hasPrefix("needs the parameter target_density"), reason)
    XCTAssertNil(results[1].violation)
  }

  func testFunctionRewardPasses() throws {
    try check(
      "FunctionReward",
      config:
        #"{"library": "libm.so.6", "function": "cbrt", "signature": "double (double volume)"}"#)
  }
}
