import CrystalCore
import RewardPipeline
import Synchronization
import TestSupport
import XCTest

/// A component returning fixed values, counting its calls.
final class FixedReward: RewardComponent {
  let name: String
  let values: [Double]
  let requiredMetrics: [String]
  private(set) var seenMetrics: MetricTable = [:]

  init(_ name: String, _ values: [Double], metrics: [String] = []) {
    self.name = name
    self.values = values
    self.requiredMetrics = metrics
  }

  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    seenMetrics = metrics
    return values
  }
}

/// Counts how often it computes.
final class CountingMetric: MetricProvider {
  let name = "counted"
  private let computed = Atomic<Int>(0)
  var calls: Int { computed.load(ordering: .relaxed) }
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    computed.add(1, ordering: .relaxed)
    return MetricColumn(name: name, values: Array(repeating: 1, count: batch.count))
  }
}

final class ReinforceRewardTests: XCTestCase {
  func structures(_ count: Int) throws -> [Structure] {
    try (1...count).map { index in
      try TestCells.cubic(
        ["Fe", "Fe"], edge: 2 + Double(index), at: [.zero, Vector3(0.5, 0.5, 0.5)],
        id: "s\(index)")
    }
  }

  func testComponentsAreNormalizedWeightedAndSummed() throws {
    let a = FixedReward("a", [1, 2, 4])
    let b = FixedReward("b", [10, 10, 40])
    let pipeline = ReinforceReward(components: [
      WeightedComponent(a, weight: 2),
      WeightedComponent(b, weight: 0.5, normalization: .norm),
    ])
    let report = try pipeline.score(try structures(3))
    XCTAssertEqual(report.components[0].weighted, [2, 4, 8])
    let normB = [0, 0, 30 / 30.0001]
    XCTAssertEqual(report.components[1].normalized, normB)
    for (index, total) in report.total.enumerated() {
      XCTAssertEqual(total, [2.0, 4, 8][index] + 0.5 * normB[index], accuracy: 1e-12)
    }
  }

  func testEachRequiredMetricIsComputedOncePerBatch() throws {
    let metric = CountingMetric()
    var registry = MetricRegistry.standard
    registry.register(metric)
    let a = FixedReward("a", [0, 0], metrics: ["counted", "density"])
    let b = FixedReward("b", [0, 0], metrics: ["counted"])
    let pipeline = ReinforceReward(
      components: [WeightedComponent(a), WeightedComponent(b)], metrics: registry)
    XCTAssertEqual(pipeline.requiredMetrics, ["counted", "density"])
    let report = try pipeline.score(try structures(2))
    XCTAssertEqual(metric.calls, 1)
    XCTAssertEqual(b.seenMetrics["counted"]?.values, [1, 1])
    XCTAssertEqual(report.metrics["density"]!.values[0], 2 / 27.0, accuracy: 1e-12)
  }

  func testBuiltinAtomicDensity() throws {
    let pipeline = ReinforceReward(components: [
      WeightedComponent(AtomicDensityReward()),
      WeightedComponent(AtomicDensityReward(targetDensity: 0.1)),
    ])
    let report = try pipeline.score(try structures(2))
    XCTAssertEqual(report.components[0].raw[1], 2 / 64.0, accuracy: 1e-12)
    XCTAssertEqual(report.components[1].raw[1], -abs(2 / 64.0 - 0.1), accuracy: 1e-12)
  }

  func testNaNTotalIsRejectedNamingStructureAndComponent() throws {
    let pipeline = ReinforceReward(components: [
      WeightedComponent(FixedReward("fine", [1, 1])),
      WeightedComponent(FixedReward("broken", [1, .nan])),
    ])
    // The one test of how a RewardError reads; the others match its cases.
    XCTAssertThrowsError(try pipeline.score(try structures(2))) { error in
      XCTAssertEqual(
        "\(error)", "NaN reward: total reward of structure 1 (s2) is NaN; from component(s) broken")
    }
  }

  func testWrongCountAndUnknownMetric() throws {
    let short = ReinforceReward(components: [WeightedComponent(FixedReward("short", [1]))])
    assertThrows(
      RewardError.component(name: "short", message: "returned 1 rewards for 2 structures")
    ) { _ = try short.score(try structures(2)) }
    let needy = ReinforceReward(components: [
      WeightedComponent(FixedReward("needy", [1], metrics: ["unobtainium"]))
    ])
    assertThrows(
      RewardError.configuration(
        "the reward requires metric 'unobtainium', which nothing provides; known metrics: "
          + "density, num_atoms, volume (add a plugin's provider under reward_fn.metrics)")
    ) { _ = try needy.score(try structures(1)) }
  }

  func testGlobalNormalization() throws {
    let pipeline = ReinforceReward(components: [], normalization: .subtractMean)
    XCTAssertEqual(try pipeline.normalize([1, 3, 5, 7]), [-3, -1, 1, 3])
    XCTAssertEqual(try pipeline.normalize([1, 3, 5, 7], groupSize: 2), [-1, 1, -1, 1])
    let none = ReinforceReward(components: [])
    XCTAssertEqual(try none.normalize([1, 3]), [1, 3])
  }

  func testBatchLayout() throws {
    let batch = StructureBatch(try structures(2))
    XCTAssertEqual(batch.atomOffsets, [0, 2, 4])
    XCTAssertEqual(batch.atomicNumbers, [26, 26, 26, 26])
    XCTAssertEqual(batch.fractionalCoordinates.count, 12)
    XCTAssertEqual(Array(batch.lattices[9..<18]), [4, 0, 0, 0, 4, 0, 0, 0, 4])
  }
}

/// A component that always fails.
final class FailingReward: RewardComponent {
  struct Failure: Error, CustomStringConvertible {
    var description: String { "reward component 'flaky': the scorer is down" }
  }
  let name = "flaky"
  let requiredMetrics: [String] = []
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    throw Failure()
  }
}

/// A component whose NaN means "no opinion".
final class OpinionatedReward: RewardComponent {
  let name = "picky"
  let requiredMetrics: [String] = []
  let values: [Double]
  var outputMayBeNaN: Bool { true }
  init(_ values: [Double]) { self.values = values }
  func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] { values }
}

/// What a failing component means under each `on_error` policy.
final class OnErrorTests: XCTestCase {
  func structures(_ count: Int) throws -> [Structure] {
    try (1...count).map { try TestCells.cubic(["Fe"], edge: 2 + Double($0)) }
  }

  func pipeline(_ policy: OnErrorPolicy, normalization: Normalization? = nil) -> ReinforceReward {
    ReinforceReward(
      components: [
        WeightedComponent(FixedReward("fine", [1, 2, 3])),
        WeightedComponent(FailingReward(), onError: policy),
      ], normalization: normalization)
  }

  func testFailPropagatesTheComponentsError() throws {
    XCTAssertThrowsError(try pipeline(.fail).score(try structures(3))) { error in
      XCTAssertEqual("\(error)", "reward component 'flaky': the scorer is down")
    }
  }

  func testSkipThrowsADistinctErrorNamingTheComponent() throws {
    XCTAssertThrowsError(try pipeline(.skip).score(try structures(3))) { error in
      XCTAssertEqual(
        error as? RewardError,
        .componentSkipped(
          component: "flaky", underlying: "reward component 'flaky': the scorer is down"))
    }
  }

  func testNaNMakesTheBatchAbstainWithZeroAdvantage() throws {
    let pipeline = pipeline(.nan, normalization: .std)
    let report = try pipeline.score(try structures(3))
    XCTAssertEqual(report.abstained, [0, 1, 2])
    XCTAssertEqual(report.abstainedCount, 3)
    XCTAssertEqual(report.failures.map(\.component), ["flaky"])
    XCTAssertEqual(report.failures.map(\.message), ["reward component 'flaky': the scorer is down"])
    XCTAssertTrue(report.components[1].raw.allSatisfy(\.isNaN))
    XCTAssertEqual(try pipeline.normalize(report.total), [0, 0, 0])
  }

  func testAbstainersAreLeftOutOfNormalizationStatistics() throws {
    let pipeline = ReinforceReward(
      components: [WeightedComponent(OpinionatedReward([1, .nan, 3, 5]))],
      normalization: .subtractMean)
    let report = try pipeline.score(try structures(4))
    XCTAssertEqual(report.abstained, [1])
    // mean of 1, 3, 5 is 3; the abstainer gets 0.
    XCTAssertEqual(try pipeline.normalize(report.total), [-2, 0, 0, 2])
    XCTAssertEqual(try pipeline.normalize(report.total, groupSize: 2), [0, 0, -1, 1])
    let normalized = Normalization.norm.apply([1, .nan, 3], eps: 0)
    XCTAssertEqual(normalized[0], 0)
    XCTAssertTrue(normalized[1].isNaN)
    XCTAssertEqual(normalized[2], 1)
  }

  func testParse() throws {
    XCTAssertEqual(try OnErrorPolicy.parse("skip"), .skip)
    assertThrows(RewardError.configuration("unknown on_error 'retry'; valid: fail, skip, nan")) {
      _ = try OnErrorPolicy.parse("retry")
    }
  }
}
