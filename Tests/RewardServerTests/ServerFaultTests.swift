import Foundation
import Synchronization
import TestSupport
import XCTest

/// The server under faults: an isolated plugin that crashes on every third batch, batches past
/// their deadline, a full queue, tokens, and a SIGTERM while a batch is scored.
final class ServerFaultTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")
  static let plugin = Result {
    try CPluginBuilder.build(
      source: fixtures.appendingPathComponent("unreliable_plugin.c"), name: "unreliable")
  }

  /// Overrides serving only component `name` of the test plugin, with `settings`.
  static func pipeline(_ name: String, _ settings: String = "") throws -> [String] {
    [
      "rl_module.reward_fn.components=[{plugin: \(try plugin.get()), component: \(name)"
        + (settings.isEmpty ? "" : ", \(settings)") + "}]"
    ]
  }

  /// Four structures of 1, 2, 3 and 4 atoms.
  static var structures: [[String: Any]] { (1...4).map { ServerScoringTests.chain(of: $0) } }

  func testCrashingIsolatedPluginNeverTakesTheServerDown() throws {
    let counter = try SharedData.temporaryDirectory().appendingPathComponent("batches")
    let server = try ServerProcess(
      try Self.pipeline("flaky", "isolation: process, on_error: nan") + ["--max-concurrency", "1"],
      environment: ["CRYSTALRL_FLAKY_COUNTER": counter.path])
    // The warm-up took a batch; count from here.
    try "0\n".write(to: counter, atomically: true, encoding: .utf8)
    for batch in 1...9 {
      let reply = try server.score(Self.structures)
      XCTAssertEqual(reply.status, 200, "batch \(batch): \(server.errors)")
      let rewards = reply.json["rewards"] as? [Any] ?? []
      if batch % 3 == 0 {
        XCTAssertTrue(rewards.allSatisfy { $0 is NSNull }, "batch \(batch): \(rewards)")
        XCTAssertEqual(reply.json["abstained"] as? [Int], [0, 1, 2, 3])
        XCTAssertEqual(
          (reply.json["failures"] as? [[String: Any]])?.first?["component"] as? String, "flaky")
      } else {
        XCTAssertEqual(rewards as? [Double], [1, 2, 3, 4], "batch \(batch)")
      }
      XCTAssertEqual(try server.get("/healthz").status, 200)
    }
    let metrics = String(decoding: try server.get("/metrics").body, as: UTF8.self)
    XCTAssertTrue(
      metrics.contains(#"crystalrl_plugin_failures_total{component="flaky"} 3"#), metrics)
    // Each crashed worker is replaced before the next batch: after the crashes of batches 3
    // and 6; the one of batch 9 is replaced when a batch comes.
    XCTAssertTrue(metrics.contains("crystalrl_worker_restarts_total 2"), metrics)
    XCTAssertEqual(server.stop(), 0)
  }

  func testPluginWorkersNeverOutliveTheServer() throws {
    let server = try ServerProcess(try Self.pipeline("slow", "isolation: process"))
    let workers = ProcessTable.liveChildren(of: server.process.processIdentifier)
    XCTAssertEqual(workers.count, 2, "one worker per replica")
    XCTAssertEqual(server.stop(SIGKILL), 9)
    let deadline = Date().addingTimeInterval(5)
    while workers.contains(where: ProcessTable.isAlive) && Date() < deadline { usleep(20_000) }
    XCTAssertEqual(workers.filter(ProcessTable.isAlive), [], "workers left behind")
  }

  func testFailingComponentUnderFailIsA500NamingIt() throws {
    let counter = try SharedData.temporaryDirectory().appendingPathComponent("batches")
    let server = try ServerProcess(
      try Self.pipeline("flaky", "isolation: process"),
      environment: ["CRYSTALRL_FLAKY_COUNTER": counter.path])
    try "2\n".write(to: counter, atomically: true, encoding: .utf8)  // the next batch is the third
    let failed = try server.score(Self.structures)
    XCTAssertEqual(failed.status, 500)
    XCTAssertEqual(failed.json["component"] as? String, "flaky")
    XCTAssertTrue((failed.json["error"] as? String ?? "").contains("flaky"), "\(failed.json)")
    XCTAssertEqual(try server.score(Self.structures).status, 200)
  }

  func testDeadlinesAndAFullQueue() throws {
    let server = try ServerProcess(
      try Self.pipeline("slow", "sleep_ms: 1500") + ["--max-concurrency", "1", "--max-queue", "1"])
    // Running past its deadline.
    let late = try server.score(Self.structures, extra: ["timeout": 0.3])
    XCTAssertEqual(late.status, 504, "\(late.json)")
    Thread.sleep(forTimeInterval: 1.5)  // the abandoned batch ends
    let header = try server.post(
      "/v1/score", try JSONSerialization.data(withJSONObject: ["structures": Self.structures]),
      headers: ["X-Request-Timeout": "0.3"])
    XCTAssertEqual(header.status, 504)
    Thread.sleep(forTimeInterval: 1.5)
    // One batch runs, one waits, the third is refused at once.
    let statuses = Mutex<[Int]>([])
    let retryAfter = Mutex<String?>(nil)
    let group = DispatchGroup()
    for index in 0..<3 {
      DispatchQueue.global().async(group: group) {
        Thread.sleep(forTimeInterval: Double(index) * 0.3)
        let reply = try? server.score(Self.structures)
        statuses.withLock { $0.append(reply?.status ?? -1) }
        if reply?.status == 503 { retryAfter.withLock { $0 = reply?.headers["retry-after"] } }
      }
    }
    XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
    XCTAssertEqual(statuses.withLock { $0.sorted() }, [200, 200, 503])
    XCTAssertNotNil(retryAfter.withLock { $0 })
    // A queued batch that waits past its deadline leaves the queue.
    DispatchQueue.global().async { _ = try? server.score(Self.structures) }
    Thread.sleep(forTimeInterval: 0.3)
    XCTAssertEqual(try server.score(Self.structures, extra: ["timeout": 0.5]).status, 504)
    Thread.sleep(forTimeInterval: 1.5)
    XCTAssertEqual(try server.score(Self.structures).status, 200)
  }

  func testSIGTERMFinishesTheBatchInFlightThenExitsZero() throws {
    let server = try ServerProcess(try Self.pipeline("slow", "sleep_ms: 1500"))
    let reply = Mutex<ServerProcess.Reply?>(nil)
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
      let result = try? server.score(Self.structures)
      reply.withLock { $0 = result }
    }
    Thread.sleep(forTimeInterval: 0.5)
    XCTAssertEqual(server.stop(SIGTERM), 0, server.errors)
    XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
    XCTAssertEqual(reply.withLock { $0?.status }, 200)
    XCTAssertEqual(reply.withLock { $0?.json["rewards"] as? [Double] }, [1, 2, 3, 4])
  }

  func testSecondSignalExitsAtOnce() throws {
    let server = try ServerProcess(try Self.pipeline("slow", "sleep_ms: 5000"))
    DispatchQueue.global().async { _ = try? server.score(Self.structures) }
    Thread.sleep(forTimeInterval: 0.5)
    kill(server.process.processIdentifier, SIGTERM)
    Thread.sleep(forTimeInterval: 0.3)
    let start = Date()
    XCTAssertEqual(server.stop(SIGINT, timeout: 10), 128 + SIGINT)
    XCTAssertLessThan(Date().timeIntervalSince(start), 5)
  }

  func testTokensAreRequiredExceptForHealth() throws {
    let tokens = try SharedData.temporaryDirectory().appendingPathComponent("tokens")
    try "# tokens\nfirst-secret\nsecond-secret\n".write(
      to: tokens, atomically: true, encoding: .utf8)
    let server = try ServerProcess(ServerScoringTests.overrides + ["--token-file", tokens.path])
    let body = try JSONSerialization.data(withJSONObject: ["structures": Self.structures])
    for headers in [[:], ["Authorization": "Bearer wrong"], ["Authorization": "first-secret"]] {
      let reply = try server.post("/v1/score", body, headers: headers)
      XCTAssertEqual(reply.status, 401, "\(headers)")
      XCTAssertFalse(String(decoding: reply.body, as: UTF8.self).contains("secret"))
      XCTAssertEqual(try server.get("/metrics", headers: headers).status, 401)
    }
    for token in ["first-secret", "second-secret"] {
      let reply = try server.post("/v1/score", body, headers: ["Authorization": "Bearer \(token)"])
      XCTAssertEqual(reply.status, 200)
    }
    XCTAssertEqual(try server.get("/healthz").status, 200)
    XCTAssertEqual(try server.get("/readyz").status, 200)
  }
}
