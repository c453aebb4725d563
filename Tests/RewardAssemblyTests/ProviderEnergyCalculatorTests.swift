import CrystalCore
import EnergyCalculation
import Foundation
import RewardAssembly
import RewardPipeline
import Synchronization
import TestSupport
import XCTest

/// An energy calculator on a metric provider of energy per atom gives the totals a table of the
/// same numbers gives, and a provider failure costs only the structures that fail.
final class ProviderEnergyCalculatorTests: XCTestCase {
  func structures() throws -> [Structure] {
    try (1...4).map { count in
      try TestCells.cubic(
        Array(repeating: "Fe", count: count), edge: 3,
        at: (0..<count).map { Vector3(Double($0) / 4, 0, 0) }, id: "fe\(count)")
    }
  }

  /// The warnings a calculator gave, from any thread.
  final class Warnings: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
  }

  /// A made-up energy per atom: -1 - 0.1 n (eV/atom); fails on a batch holding a 3-atom cell.
  final class MadeUpEnergy: MetricProvider {
    let name = "energy_per_atom"
    func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
      guard batch.structures.allSatisfy({ $0.count != 3 }) else {
        throw RewardError.metric(name: name, message: "no energy for 3 atoms")
      }
      return MetricColumn(name: name, values: batch.structures.map { -1 - 0.1 * Double($0.count) })
    }
  }

  func testTotalsEqualATableOfTheSameNumbersAndFailuresStayPerStructure() throws {
    let structures = try self.structures()
    let calculator = ProviderEnergyCalculator(
      metric: "energy_per_atom", registry: MetricRegistry([MadeUpEnergy()]),
      identifier: "made-up")
    let warned = Warnings()
    calculator.warn = { warned.append($0) }
    let table = try SharedData.temporaryDirectory().appendingPathComponent("energies.csv")
    try
      (["id,energy_per_atom"]
      + structures.map { "\($0.id),\(-1 - 0.1 * Double($0.count))" })
      .joined(separator: "\n").write(to: table, atomically: true, encoding: .utf8)
    let expected = try TableEnergyCalculator(url: table).totalEnergies(structures)

    let totals = calculator.totalEnergies(structures)
    XCTAssertEqual(totals[0], expected[0])
    XCTAssertEqual(totals[1], expected[1])
    XCTAssertTrue(totals[2].isNaN)
    XCTAssertEqual(totals[3], expected[3])
    let warnings = warned.all
    XCTAssertEqual(warnings.count, 2, "\(warnings)")  // the batch, then the one structure
    XCTAssertEqual(
      calculator.relax(structures).map { $0?.energy },
      [
        expected[0], expected[1], nil, expected[3],
      ])
  }
}
