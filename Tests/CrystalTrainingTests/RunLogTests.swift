import Foundation
import TestSupport
import XCTest

@testable import CrystalTraining

/// The run directory's TensorBoard event file, read back by the `tensorboard` package, and the
/// reward curve's line per component.
final class RunLogTests: XCTestCase {
  struct Scalar: Decodable, Equatable {
    let step: Int
    let value: Double
  }

  func testCRC32CKnownValue() {
    XCTAssertEqual(TensorBoardEvents.crc32c(Data("123456789".utf8)), 0xE306_9283)
  }

  /// metrics.csv and metrics.jsonl read back as exactly the recorded numbers.
  func testMetricsRoundTripDoubles() throws {
    let directory = try SharedData.temporaryDirectory()
    let values = [1.0 / 3, 0.1 + 0.2, -1e-300, 123_456.789_012_345_67, 7]
    let log = try RunLog(directory: directory)
    for (step, value) in values.enumerated() {
      try log.record(["step": Double(step + 1), "reward": value])
    }
    let csv = try String(
      contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
    let rows = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    let column = try XCTUnwrap(rows[0].firstIndex(of: "reward"))
    XCTAssertEqual(rows.dropFirst().map { Double($0[column])! }, values)
    let jsonl = try String(
      contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
    struct Row: Decodable { let reward: Double }
    XCTAssertEqual(
      try jsonl.split(separator: "\n").map {
        try JSONDecoder().decode(Row.self, from: Data($0.utf8)).reward
      }, values)
  }

  func testTensorBoardReadsTheEvents() throws {
    let directory = try SharedData.temporaryDirectory()
    let log = try RunLog(directory: directory)
    for step in 1...4 {
      try log.record([
        "step": Double(step), "reward": 0.5 * Double(step), "reward/creativity": -Double(step),
        "kl": 0.001,
      ])
    }
    try log.record(["step": 5, "skipped": 1])
    // A resumed run drops the steps without a checkpoint and does them again.
    try log.truncate(toSteps: 3)
    let resumed = try RunLog(directory: directory, continuing: true)
    try resumed.record(["step": 4, "reward": 7, "reward/creativity": -4, "val/reward": 6.5])
    let scalars = try PythonOracle.json(
      [String: [Scalar]].self,
      """
      import json, sys
      from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
      accumulator = EventAccumulator(sys.argv[1])
      accumulator.Reload()
      print(json.dumps({tag: [{"step": e.step, "value": e.value} for e in accumulator.Scalars(tag)]
                        for tag in accumulator.Tags()["scalars"]}))
      """, arguments: [directory.path])
    XCTAssertEqual(Set(scalars.keys), ["reward", "reward/creativity", "kl", "val/reward"])
    XCTAssertEqual(
      scalars["reward"],
      [
        .init(step: 1, value: 0.5), .init(step: 2, value: 1), .init(step: 3, value: 1.5),
        .init(step: 4, value: 7),
      ])
    XCTAssertEqual(scalars["reward/creativity"]?.map(\.value), [-1, -2, -3, -4])
    XCTAssertEqual(scalars["val/reward"], [.init(step: 4, value: 6.5)])
    let svg = try String(
      contentsOf: directory.appendingPathComponent("reward_curve.svg"), encoding: .utf8)
    XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
    XCTAssertTrue(svg.contains(">reward/creativity</text>"))
  }
}
