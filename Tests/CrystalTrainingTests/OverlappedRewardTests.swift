import CrystalCore
import CrystalModels
import CrystalTraining
import Foundation
import RewardPipeline
import Synchronization
import TensorEngine
import XCTest

/// A slow per-structure metric (a stand-in energy) that records the batch sizes it saw and
/// whether it ran off the calling thread.
final class SlowEnergy: MetricProvider {
  let name = "energy"
  var isPerStructure: Bool { true }
  private let calls = Mutex<[(count: Int, mainThread: Bool)]>([])

  var batchSizes: [Int] { calls.withLock { $0.map(\.count) } }
  var ranOnMainThread: [Bool] { calls.withLock { $0.map(\.mainThread) } }

  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    usleep(20_000)
    calls.withLock { $0.append((batch.count, Thread.isMainThread)) }
    return MetricColumn(
      name: name,
      values: batch.structures.map { structure in
        structure.sites.reduce(structure.volume.squareRoot()) {
          $0 - Double($1.element.z) * ($1.fractional.x + 2 * $1.fractional.y)
        }
      })
  }
}

/// A batch-level reward: the energy relative to the batch mean.
final class RelativeEnergy: RewardComponent {
  let name = "relative_energy"
  let requiredMetrics = ["energy", "density"]
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    let energy = metrics["energy"]!.values
    let mean = energy.reduce(0, +) / Double(energy.count)
    return zip(energy, metrics["density"]!.values).map { -($0 - mean) + $1 }
  }
}

/// overlap_reward: scoring each rollout chunk's per-structure metrics while the next chunk is
/// sampled gives the rewards and the update of the serial path.
extension GRPOTrainerTests {
  func testOverlappedStepsGiveTheSerialRewardsAndUpdate() throws {
    var configuration = self.configuration
    configuration.rolloutChunkSize = 6  // 16 samples: chunks of 6, 6 and 4
    func steps(overlap: Bool) throws -> (
      records: [GRPOTrainer.StepRecord], parameters: [[Float]], energy: SlowEnergy
    ) {
      let (vae, model, structures) = tinyModels(seed: 11)
      let energy = SlowEnergy()
      var registry = MetricRegistry.standard
      registry.register(energy)
      let reward = ReinforceReward(
        components: [WeightedComponent(RelativeEnergy(), normalization: .std)],
        normalization: .std, metrics: registry)
      var settings = configuration
      settings.overlapReward = overlap
      let trainer = GRPOTrainer(
        vae: vae, model: model, reward: reward, configuration: settings,
        atomCounts: structures.map(\.count), seed: 12)
      let records = try (0..<2).map { _ in try trainer.trainStep() }
      return (records, model.parameters.map(\.data), energy)
    }
    let serial = try steps(overlap: false)
    let overlapped = try steps(overlap: true)
    XCTAssertEqual(serial.energy.batchSizes, [16, 16], "serial: the whole rollout at the end")
    XCTAssertEqual(overlapped.energy.batchSizes, [6, 6, 4, 6, 6, 4], "overlapped: chunk by chunk")
    XCTAssertEqual(overlapped.energy.ranOnMainThread, Array(repeating: false, count: 6))
    for (a, b) in zip(serial.records, overlapped.records) {
      XCTAssertEqual(a.reward.bitPattern, b.reward.bitPattern)
      XCTAssertEqual(a.componentMeans, b.componentMeans)
      XCTAssertEqual(a.loss.bitPattern, b.loss.bitPattern)
      XCTAssertEqual(a.kl.bitPattern, b.kl.bitPattern)
    }
    // The update saw every reward of its step: the models after two steps are identical.
    XCTAssertEqual(serial.parameters, overlapped.parameters)
    XCTAssertNotEqual(
      serial.parameters, tinyModels(seed: 11).1.parameters.map(\.data),
      "the steps changed the model")
  }
}
