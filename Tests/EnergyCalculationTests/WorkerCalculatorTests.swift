import CrystalCore
import EnergyCalculation
import Foundation
import TestSupport
import WorkerProcess
import XCTest

/// The worker protocol and its failure modes, with a stand-in worker (no torch needed).
final class WorkerCalculatorTests: XCTestCase {
  static let fake = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/fake_worker.py").path

  func calculator(_ mode: String = "ok") throws -> WorkerCalculator {
    let calculator = try WorkerCalculator(
      identifier: "fake",
      worker: LineWorker(executable: "/usr/bin/env", arguments: ["python3", Self.fake, mode]),
      secondsPerStructure: 0.5, startTimeout: 30)
    calculator.warn = { _ in }
    calculator.minimumTimeout = 2
    return calculator
  }

  func structure(_ symbols: [String], id: String) throws -> Structure {
    try TestCells.cubic(symbols, id: id)
  }

  func testEnergiesComeBackInOrder() throws {
    let energies = try calculator().totalEnergies([
      try structure(["Na", "Cl"], id: "a"), try structure(["Fe"], id: "b"),
    ])
    XCTAssertEqual(energies, [-2, -1])
  }

  func testCrashMidBatchCostsOnlyTheCrashingStructure() throws {
    let calculator = try calculator()
    let energies = calculator.totalEnergies([
      try structure(["Na"], id: "a"), try structure(["U"], id: "crash"),
      try structure(["Na", "Na", "Na"], id: "c"), try structure(["Pu"], id: "null"),
    ])
    XCTAssertEqual(energies[0], -1)
    XCTAssertTrue(energies[1].isNaN)
    XCTAssertEqual(energies[2], -3)
    XCTAssertTrue(energies[3].isNaN)
    // The worker was restarted and keeps serving.
    XCTAssertEqual(calculator.totalEnergies([try structure(["O"], id: "after")]), [-1])
  }

  func testHangIsStoppedByTheTimeout() throws {
    let calculator = try calculator()
    calculator.secondsPerStructure = 0.5
    let start = Date()
    let energies = calculator.totalEnergies([try structure(["Np"], id: "hang")])
    XCTAssertTrue(energies[0].isNaN)
    XCTAssertLessThan(Date().timeIntervalSince(start), 20)
  }

  func testStartupFailuresAreClearErrors() {
    XCTAssertThrowsError(try calculator("refuse")) { error in
      XCTAssertTrue("\(error)".contains("No module named 'chgnet'"), "\(error)")
    }
    XCTAssertThrowsError(
      try WorkerCalculator(
        identifier: "nothing", worker: LineWorker(executable: "/nonexistent/python", arguments: []))
    ) { error in
      XCTAssertTrue("\(error)".contains("could not start"), "\(error)")
    }
  }

  func testMalformedResponsesGiveNaN() throws {
    let energies = try calculator("garbage").totalEnergies([try structure(["Na"], id: "a")])
    XCTAssertTrue(energies[0].isNaN)
  }

  func testTableCalculator() throws {
    let directory = try SharedData.temporaryDirectory()
    let perAtom = directory.appendingPathComponent("per_atom.csv")
    try "material_id,energy_per_atom\na,-3.5\nb,-1\n".write(
      to: perAtom, atomically: true, encoding: .utf8)
    let table = try TableEnergyCalculator(url: perAtom)
    let energies = table.totalEnergies([
      try structure(["Na", "Cl"], id: "a"), try structure(["Fe"], id: "missing"),
    ])
    XCTAssertEqual(energies[0], -7)
    XCTAssertTrue(energies[1].isNaN)
    let bad = directory.appendingPathComponent("bad.csv")
    try "id,energy\na,lots\n".write(to: bad, atomically: true, encoding: .utf8)
    assertThrows(
      CrystalError.parse(
        location: "\(bad.path): line 2",
        message: "expected 2 fields with a numeric energy, got 'a,lots'")
    ) { _ = try TableEnergyCalculator(url: bad) }
    let noColumn = directory.appendingPathComponent("nocol.csv")
    try "id,enthalpy\na,1\n".write(to: noColumn, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try TableEnergyCalculator(url: noColumn))
  }
}
