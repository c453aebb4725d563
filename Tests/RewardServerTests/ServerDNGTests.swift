import CrystalCore
import Foundation
import Synchronization
import TestSupport
import XCTest

/// The DNG pipeline served (perov_5 references, ToyPotential energies, so no Python): totals
/// bit-identical to `crystalrl reward`, and a soak of 8 concurrent clients that loses nothing
/// and whose resident memory stops growing after the warm-up.
final class ServerDNGTests: XCTestCase {
  static let overrides = [
    "custom_reward=rl_dng", "data=perov_5",
    "rl_module.reward_fn.energy_calculator=plugin:ToyPotential:energy_per_atom",
  ]

  func testDNGScoresBitIdenticallyToRewardCommand() throws {
    let server = try ServerProcess(Self.overrides)
    let structures = Array(PrototypeLibrary.structures().prefix(64))
    let records = try ServerTestSupport.rewardRecords(
      ["--structures", "builtin", "--limit", "64"] + Self.overrides)
    for _ in 0..<2 {
      let reply = try server.score(structures.map(ServerTestSupport.json))
      XCTAssertEqual(reply.status, 200, String(decoding: reply.body, as: UTF8.self))
      ServerTestSupport.assertSameScores(reply.json, records)
      let metrics = reply.json["metrics"] as? [String: Any] ?? [:]
      XCTAssertNotNil(metrics["e_above_hull"], "\(metrics.keys)")
    }
    let description = try server.get("/v1/pipeline").json
    XCTAssertEqual(
      description["energy_calculator"] as? String, "plugin:ToyPotential:energy_per_atom")
    XCTAssertEqual(
      (description["hull"] as? [String: Any])?["reference_dataset"] as? String, "perov_5")
  }

  func testSoakOfEightClientsLosesNothingAndMemoryLevelsOff() throws {
    let server = try ServerProcess(Self.overrides)
    let rows = try StructureFile.read(SharedData.url("perov_5/val.csv"), limit: 640)
    let batches = (0..<10).map { part in
      try! JSONSerialization.data(withJSONObject: [
        "structures": rows[part * 64..<(part + 1) * 64].map(ServerTestSupport.json),
        "request_id": "batch-\(part)",
      ])
    }
    let answered = Mutex<[Int: Int]>([:])
    let resident = Mutex<[Int]>([])
    let next = Atomic<Int>(0)
    let total = 100
    let group = DispatchGroup()
    for _ in 0..<8 {
      DispatchQueue.global().async(group: group) {
        while case let batch = next.add(1, ordering: .relaxed).oldValue, batch < total {
          let status = (try? server.post("/v1/score", batches[batch % 10]).status) ?? -1
          answered.withLock { $0[batch] = status }
          if batch % 20 == 19 {
            resident.withLock {
              $0.append(ProcessTable.residentKiB(of: server.process.processIdentifier))
            }
          }
        }
      }
    }
    XCTAssertEqual(group.wait(timeout: .now() + 600), .success, "the soak did not finish")
    let statuses = answered.withLock { $0 }
    XCTAssertEqual(statuses.count, total)
    XCTAssertEqual(Set(statuses.values), [200], "\(statuses.filter { $0.value != 200 })")
    let memory = resident.withLock { $0 }
    print("soak: resident KiB after every 20 batches: \(memory)")
    // After the warm-up (the first 40 batches), growth stays within 32 MiB.
    XCTAssertLessThan(memory.last! - memory[1], 32 << 10, "\(memory)")
    let metrics = String(decoding: try server.get("/metrics").body, as: UTF8.self)
    XCTAssertTrue(metrics.contains(#"crystalrl_requests_total{status="200"} "#), metrics)
    XCTAssertEqual(server.stop(), 0)
  }
}
