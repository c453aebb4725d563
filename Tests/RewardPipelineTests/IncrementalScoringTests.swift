import CrystalCore
import Foundation
import RewardPipeline
import Synchronization
import TestSupport
import XCTest

/// A per-structure metric (volume per atom, or an error on a chosen structure) counting the
/// batch sizes it computed.
final class PerAtomVolume: MetricProvider {
  let name = "volume_per_atom"
  var isPerStructure: Bool { true }
  let failingID: String?
  private let sizes = Mutex<[Int]>([])
  var batchSizes: [Int] { sizes.withLock { $0 } }

  init(failingID: String? = nil) { self.failingID = failingID }

  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    sizes.withLock { $0.append(batch.count) }
    if let failingID, batch.structures.contains(where: { $0.id == failingID }) {
      throw RewardError.metric(name: name, message: "cannot handle \(failingID)")
    }
    return MetricColumn(name: name, values: batch.structures.map { $0.volume / Double($0.count) })
  }
}

/// A batch-level metric: each structure's volume over the batch's largest.
final class RelativeVolume: MetricProvider {
  let name = "relative_volume"
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    let volumes = batch.structures.map(\.volume)
    return MetricColumn(name: name, values: volumes.map { $0 / volumes.max()! })
  }
}

/// A per-structure metric that requires a batch-level one (so it cannot run ahead).
final class ScaledRelativeVolume: MetricProvider {
  let name = "scaled_relative_volume"
  var isPerStructure: Bool { true }
  var requiredMetrics: [String] { ["relative_volume"] }
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    MetricColumn(name: name, values: metrics["relative_volume"]!.values.map { 2 * $0 })
  }
}

final class IncrementalScoringTests: XCTestCase {
  func structures(_ count: Int) throws -> [Structure] {
    try (0..<count).map { index -> Structure in
      let edge: Double = 3 + 0.37 * Double(index % 5) + 0.011 * Double(index)
      let third = Vector3(0.25, 0.1 * Double(index % 4), 0.5)
      let pair = index % 3 == 0
      return try TestCells.cubic(
        pair ? ["Na", "Cl"] : ["Na", "Na", "Cl"], edge: edge,
        at: pair ? [.zero, Vector3(0.5, 0.5, 0.5)] : [.zero, Vector3(0.5, 0.5, 0.5), third],
        id: "s\(index)")
    }
  }

  func pipeline(_ perAtom: PerAtomVolume) -> ReinforceReward {
    var registry = MetricRegistry.standard
    for provider in [perAtom, RelativeVolume(), ScaledRelativeVolume()] as [MetricProvider] {
      registry.register(provider)
    }
    return ReinforceReward(
      components: [
        WeightedComponent(
          FixedMetricReward("per_atom", metric: "volume_per_atom"), weight: 0.5,
          normalization: .norm),
        WeightedComponent(FixedMetricReward("relative", metric: "scaled_relative_volume")),
        WeightedComponent(FixedMetricReward("density", metric: "density"), normalization: .std),
      ], normalization: .std, metrics: registry)
  }

  func testChunkedScoringIsTheWholeBatchScoring() throws {
    let batch = try structures(23)
    let serialMetric = PerAtomVolume()
    let serial = try pipeline(serialMetric).score(batch)
    let aheadMetric = PerAtomVolume()
    let scoring = try IncrementalScoring(pipeline(aheadMetric))
    XCTAssertEqual(Set(scoring.aheadMetrics), ["volume_per_atom", "density"])
    for range in [0..<10, 10..<20, 20..<23] { scoring.add(Array(batch[range])) }
    let report = try scoring.finish()
    XCTAssertEqual(aheadMetric.batchSizes, [10, 10, 3], "computed part by part, not again")
    XCTAssertEqual(serialMetric.batchSizes, [23])
    XCTAssertEqual(report.total.map(\.bitPattern), serial.total.map(\.bitPattern))
    for (a, b) in zip(report.components, serial.components) {
      XCTAssertEqual(a.name, b.name)
      XCTAssertEqual(a.raw.map(\.bitPattern), b.raw.map(\.bitPattern))
      XCTAssertEqual(a.weighted.map(\.bitPattern), b.weighted.map(\.bitPattern))
    }
    XCTAssertEqual(report.metrics, serial.metrics)
    // The batch-level parts saw the whole batch: relative volumes are over all 23.
    XCTAssertEqual(report.metrics["relative_volume"]!.values.max(), 1)
    XCTAssertEqual(report.metrics["relative_volume"]!.values.filter { $0 == 1 }.count, 1)
  }

  /// A part whose metrics fail: the whole batch is computed again at the end, so the error
  /// is the serial path's.
  func testAFailingPartGivesTheSerialError() throws {
    let batch = try structures(9)
    let serialError = try XCTUnwrap(
      Result { try pipeline(PerAtomVolume(failingID: "s7")).score(batch) }.failureDescription)
    let metric = PerAtomVolume(failingID: "s7")
    let scoring = try IncrementalScoring(pipeline(metric))
    scoring.add(Array(batch[0..<5]))
    scoring.add(Array(batch[5..<9]))
    XCTAssertThrowsError(try scoring.finish()) { error in
      XCTAssertEqual("\(error)", serialError)
    }
    XCTAssertEqual(metric.batchSizes, [5, 4, 9])
  }

  func testNothingAheadWithoutPerStructureMetrics() throws {
    let reward = ReinforceReward(
      components: [WeightedComponent(FixedReward("fixed", [1, 2, 3]))], normalization: .std)
    let scoring = try IncrementalScoring(reward)
    XCTAssertEqual(scoring.aheadMetrics, [])
    scoring.add(try structures(2))
    scoring.add(try structures(1))
    XCTAssertEqual(try scoring.finish().total, [1, 2, 3])
  }
}

/// A component whose reward is a metric's value.
final class FixedMetricReward: RewardComponent {
  let name: String
  let metric: String
  var requiredMetrics: [String] { [metric] }
  init(_ name: String, metric: String) {
    self.name = name
    self.metric = metric
  }
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    metrics[metric]!.values
  }
}

extension Result where Failure == Error {
  /// The error's description, nil on success.
  fileprivate var failureDescription: String? {
    if case .failure(let error) = self { return "\(error)" }
    return nil
  }
}
