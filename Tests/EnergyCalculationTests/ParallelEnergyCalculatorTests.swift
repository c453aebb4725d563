import CrystalCore
import EnergyCalculation
import Foundation
import Synchronization
import TestSupport
import WorkerProcess
import XCTest

/// A calculator whose energy is minus the number in the structure's id, recording the ids of
/// each batch; members of one test wait for each other (they must run at the same time).
final class RecordingCalculator: EnergyCalculator {
  let identifier: String
  let rendezvous: Rendezvous?
  private let seen = Mutex<[[String]]>([])
  var batches: [[String]] { seen.withLock { $0 } }

  init(identifier: String = "recording", rendezvous: Rendezvous? = nil) {
    self.identifier = identifier
    self.rendezvous = rendezvous
  }

  func totalEnergies(_ structures: [Structure]) -> [Double] {
    seen.withLock { $0.append(structures.map(\.id)) }
    rendezvous?.arrive()
    return structures.map { -Double($0.id.dropFirst())! }
  }
}

/// Lets `count` threads go on only once all have arrived (or 20 s passed, recorded as a miss).
final class Rendezvous: Sendable {
  private let arrived = Atomic<Int>(0)
  private let missedAny = Atomic<Bool>(false)
  private let count: Int
  var missed: Bool { missedAny.load(ordering: .relaxed) }

  init(count: Int) { self.count = count }

  func arrive() {
    arrived.add(1, ordering: .relaxed)
    let deadline = Date().addingTimeInterval(20)
    while arrived.load(ordering: .relaxed) < count {
      guard Date() < deadline else {
        missedAny.store(true, ordering: .relaxed)
        return
      }
      usleep(200)
    }
  }
}

final class ParallelEnergyCalculatorTests: XCTestCase {
  func structures(_ count: Int) throws -> [Structure] {
    try (0..<count).map { index in
      let atoms = 1 + index % 3
      return try TestCells.cubic(
        Array(repeating: "Na", count: atoms),
        at: (0..<atoms).map { Vector3(Double($0) / 3, 0, 0) }, id: "s\(index)")
    }
  }

  func testBatchIsSplitInOrderAndComputedAtOnce() throws {
    let rendezvous = Rendezvous(count: 3)
    let members = (0..<3).map { _ in RecordingCalculator(rendezvous: rendezvous) }
    let parallel = try ParallelEnergyCalculator(members)
    let energies = parallel.totalEnergies(try structures(7))
    XCTAssertEqual(energies, (0..<7).map { -Double($0) })
    XCTAssertEqual(
      members.map(\.batches), [[["s0", "s1"]], [["s2", "s3"]], [["s4", "s5", "s6"]]])
    XCTAssertFalse(rendezvous.missed, "the three parts ran at the same time")
    XCTAssertEqual(parallel.identifier, "recording")
    // Relaxations are shared the same way (here single points of the structures as given).
    let relaxed = parallel.relax(try structures(2))
    XCTAssertEqual(relaxed.map { $0?.structure.id }, ["s0", "s1"])
    XCTAssertEqual(relaxed.map { $0?.energy }, [-0.0, -1])
    XCTAssertEqual(parallel.totalEnergies([]), [])
  }

  func testMembersMustBeAlike() {
    XCTAssertThrowsError(
      try ParallelEnergyCalculator([
        RecordingCalculator(identifier: "a"), RecordingCalculator(identifier: "b"),
      ])
    ) { error in XCTAssertTrue("\(error)".contains("must be alike, got a, b"), "\(error)") }
    XCTAssertThrowsError(try ParallelEnergyCalculator([]))
  }

  /// Two worker processes (the stand-in worker) sharing batches, one of them crashing on a
  /// structure: the results stay in order and the crash costs that structure only.
  func testWorkerProcessesShareABatch() throws {
    let workers = try (0..<2).map { _ in
      let calculator = try WorkerCalculator(
        identifier: "fake",
        worker: LineWorker(
          executable: "/usr/bin/env", arguments: ["python3", WorkerCalculatorTests.fake, "ok"]),
        secondsPerStructure: 0.5, startTimeout: 30)
      calculator.warn = { _ in }
      return calculator
    }
    let parallel = try ParallelEnergyCalculator(workers)
    var batch = try structures(9)
    batch[6] = try TestCells.cubic(["U"], id: "crash")
    let energies = parallel.totalEnergies(batch)
    for index in batch.indices where index != 6 {
      XCTAssertEqual(energies[index], -Double(batch[index].count), "structure \(index)")
    }
    XCTAssertTrue(energies[6].isNaN)
    XCTAssertNotEqual(workers[0].worker.greeting, nil)
  }
}
