// crystalrl-isolation-probe PLUGIN_PATH: a small host for the tests. Starts an isolated
// component "count" of the plugin, prints "worker PID", then scores one batch (the tests give
// it a plugin that never answers) until the test kills this process.
import CrystalCore
import Foundation
import PluginHost
import RewardPipeline

let component = try PluginComponent(
  path: CommandLine.arguments[1], name: "count", configJSON: "{}",
  limits: WorkerLimits(timeout: 600))
print("worker \(component.workerProcessID!)")
fflush(nil)  // C stdio's buffers, stdout's among them
let sodium = try Structure(
  lattice: try Lattice.cubic(3), elements: [Element(symbol: "Na")!], fractional: [.zero])
_ = try ReinforceReward(components: [WeightedComponent(component)]).score([sodium])
