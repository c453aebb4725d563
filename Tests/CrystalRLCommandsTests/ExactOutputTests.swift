import CrystalCore
import Foundation
import RewardPipeline
import TestSupport
import XCTest

/// Machine-readable outputs read back as exactly the numbers computed; tables may round.
final class ExactOutputTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = try SharedData.temporaryDirectory()
    try CDVAEDataset.csv(Array(PrototypeLibrary.structures().prefix(6))).write(
      to: directory.appendingPathComponent("samples.csv"), atomically: true, encoding: .utf8)
  }

  func crystalrl(_ arguments: [String]) throws -> String {
    let run = try ProgramRun(ProgramRun.crystalrl, arguments, in: directory)
    XCTAssertEqual(run.status, 0, "\(arguments): \(run.errors)")
    return run.output
  }

  /// The rows of a CSV as dictionaries by header.
  func records(_ csv: String) -> [[String: String]] {
    let lines = csv.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
  }

  /// `reward`'s CSV and JSON give the same bits, not rounded to 6 significant digits (a
  /// rounded value would re-round to itself).
  func testRewardCSVAndJSONRoundTripDoubles() throws {
    let arguments = [
      "reward", "--structures", "samples.csv", "custom_reward=target_density",
      "rl_module.reward_fn.components.0.target_density=0.07",
    ]
    let fromCSV = records(try crystalrl(arguments + ["--format", "csv"])).map {
      Double($0["total"]!)!
    }
    struct Record: Decodable { let total: Double }
    let json = try crystalrl(arguments + ["--format", "json"])
    let fromJSON = try JSONDecoder().decode([Record].self, from: Data(json.utf8)).map(\.total)
    XCTAssertEqual(fromCSV.map(\.bitPattern), fromJSON.map(\.bitPattern))
    XCTAssertTrue(fromCSV.contains { Double(String(format: "%.6g", $0))! != $0 }, "\(fromCSV)")
  }

  /// `evaluate`'s JSON and CSV summaries hold exactly the mean of the per-structure rewards
  /// its per-structure CSV holds.
  func testEvaluateSummaryIsTheExactMeanOfItsRows() throws {
    struct Summary: Decodable {
      let reward: Double
      enum CodingKeys: String, CodingKey { case reward = "reward_atomic_density" }
    }
    let json = try crystalrl(
      [
        "evaluate", "--structures", "samples.csv", "--format", "json", "--per-structure",
        "rows.csv",
      ])
    let summary = try JSONDecoder().decode(Summary.self, from: Data(json.utf8))
    let rows = records(
      try String(contentsOf: directory.appendingPathComponent("rows.csv"), encoding: .utf8))
    let mean = try XCTUnwrap(finiteMean(rows.map { Double($0["reward_atomic_density"]!)! }))
    XCTAssertEqual(summary.reward.bitPattern, mean.bitPattern)
    let csv = records(
      try crystalrl(["evaluate", "--structures", "samples.csv", "--format", "csv"]))
    XCTAssertEqual(Double(csv[0]["reward_atomic_density"]!)?.bitPattern, mean.bitPattern)
  }
}
