import CrystalCore
import Foundation
import TestSupport
import XCTest

/// Structures as request JSON, and `crystalrl reward`'s records to compare replies with.
enum ServerTestSupport {
  /// `structure` in the explicit form: lattice rows, element symbols, fractional coordinates.
  static func json(_ structure: Structure) -> [String: Any] {
    let rows = structure.lattice.matrix.flat
    return [
      "lattice": [Array(rows[0..<3]), Array(rows[3..<6]), Array(rows[6..<9])],
      "species": structure.sites.map(\.element.symbol),
      "frac_coords": structure.sites.map { [$0.fractional.x, $0.fractional.y, $0.fractional.z] },
    ]
  }

  /// `crystalrl reward ARGUMENTS --format json`: one record per structure.
  static func rewardRecords(_ arguments: [String]) throws -> [[String: Any]] {
    let run = try ProgramRun(ProgramRun.crystalrl, ["reward", "--format", "json"] + arguments)
    try run.requireSuccess("crystalrl reward")
    return try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as! [[String: Any]]
  }

  /// Asserts that a `/v1/score` reply holds exactly `records`' totals and every component's
  /// weighted and raw rewards, bit for bit (null for NaN).
  static func assertSameScores(
    _ reply: [String: Any], _ records: [[String: Any]], file: StaticString = #filePath,
    line: UInt = #line
  ) {
    func bits(_ value: Any?) -> UInt64? { (value as? NSNumber)?.doubleValue.bitPattern }
    let rewards = reply["rewards"] as? [Any] ?? []
    XCTAssertEqual(rewards.count, records.count, file: file, line: line)
    let components = reply["components"] as? [String: [Any]] ?? [:]
    let raw = reply["raw"] as? [String: [Any]] ?? [:]
    XCTAssertFalse(components.isEmpty, "no components in \(reply)", file: file, line: line)
    for (index, record) in records.enumerated() where index < rewards.count {
      XCTAssertEqual(
        bits(rewards[index]), bits(record["total"]), "total \(index)", file: file, line: line)
      for (label, values) in components {
        XCTAssertEqual(
          bits(values[index]), bits(record["\(label)_weighted"]), "\(label) \(index)", file: file,
          line: line)
        XCTAssertEqual(
          bits(raw[label]?[index]), bits(record["\(label)_raw"]), "\(label) raw \(index)",
          file: file, line: line)
      }
    }
  }
}
