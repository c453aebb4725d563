import CrystalCore
import Foundation
import TestSupport
import XCTest

/// A real server on loopback scores as `crystalrl reward` does, bit for bit, refuses every bad
/// input naming its field (and keeps serving), enforces its limits, and describes its pipeline.
final class ServerScoringTests: XCTestCase {
  static let overrides = ["custom_reward=validity"]

  func testScoresBitIdenticallyToRewardCommandFromJSONAndCIF() throws {
    let server = try ServerProcess(Self.overrides)
    let structures = Array(PrototypeLibrary.structures().prefix(12))
    let records = try ServerTestSupport.rewardRecords(
      ["--structures", "builtin", "--limit", "12"] + Self.overrides)
    let explicit = try server.score(structures.map(ServerTestSupport.json))
    XCTAssertEqual(explicit.status, 200, String(decoding: explicit.body, as: UTF8.self))
    ServerTestSupport.assertSameScores(explicit.json, records)
    XCTAssertEqual((explicit.json["metrics"] as? [String: Any])?.isEmpty, false)

    // The same structures as CIF text, against `crystalrl reward` reading the same CIFs.
    let cifs = structures.map { CIF.write($0) }
    let file = try SharedData.temporaryDirectory().appendingPathComponent("batch.cif")
    try cifs.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let cifRecords = try ServerTestSupport.rewardRecords(
      ["--structures", file.path] + Self.overrides)
    let fromCIF = try server.score(cifs.map { ["cif": $0] })
    XCTAssertEqual(fromCIF.status, 200, String(decoding: fromCIF.body, as: UTF8.self))
    ServerTestSupport.assertSameScores(fromCIF.json, cifRecords)

    // A second time: the server keeps no state between batches.
    ServerTestSupport.assertSameScores(
      try server.score(structures.map(ServerTestSupport.json)).json, records)
    XCTAssertEqual(server.stop(), 0)
  }

  func testRefusesBadInputNamingTheFieldAndKeepsServing() throws {
    let server = try ServerProcess(
      Self.overrides + ["--max-structures", "4", "--max-atoms", "40", "--max-body-bytes", "30000"])
    let good = ServerTestSupport.json(try TestCells.rockSalt())
    func with(_ key: String, _ value: Any) -> [String: Any] {
      good.merging([key: value]) { $1 }
    }
    let cases: [(String, Data, Int, String?)] = [
      ("malformed JSON", Data("{\"structures\": [".utf8), 400, nil),
      ("NaN token", Data("{\"structures\": [NaN]}".utf8), 400, nil),
      ("not an object", Data("[1, 2]".utf8), 400, nil),
      ("unknown key", try body(["structures": [good], "extra": 1]), 400, "extra"),
      ("empty batch", try body(["structures": []]), 400, "structures"),
      ("structures not a list", try body(["structures": "Na"]), 400, "structures"),
      (
        "no atoms",
        try body(["structures": [good, with("species", []).merging(["frac_coords": []]) { $1 }]]),
        400, "structures[1].species"
      ),
      (
        "lengths differ", try body(["structures": [with("species", ["Na"])]]), 400,
        "structures[0].frac_coords"
      ),
      (
        "unknown element",
        try body([
          "structures": [
            good, good, with("species", ["Na", "Na", "Na", "Na", "Cl", "Cl", "Cl", "Xx"]),
          ]
        ]), 400, "structures[2].species[7]"
      ),
      (
        "bad atomic number",
        try body(["structures": [with("species", [11, 11, 11, 11, 17, 17, 17, 0])]]), 400,
        "structures[0].species[7]"
      ),
      (
        "wrong type",
        try body(["structures": [with("lattice", [[1, 0, 0], [0, "1", 0], [0, 0, 1]])]]), 400,
        "structures[0].lattice[1][1]"
      ),
      (
        "infinite number",
        Data(
          #"{"structures": [{"lattice": [[1,0,0],[0,1,0],[0,0,1]], "species": ["Na"], "frac_coords": [[0.5, 1e400, 0]]}]}"#
            .utf8), 400, "structures[0].frac_coords[0][1]"
      ),
      (
        "singular lattice",
        try body(["structures": [with("lattice", [[1, 0, 0], [2, 0, 0], [0, 0, 1]])]]), 400,
        "structures[0].lattice"
      ),
      (
        "unparsable CIF",
        try body(["structures": [good, ["cif": "data_x\n_cell_length_a 3\nloop_\n"]]]), 400,
        "structures[1].cif"
      ),
      (
        "CIF and lattice", try body(["structures": [with("cif", "data_x")]]), 400,
        "structures[0].lattice"
      ),
      ("bad timeout", try body(["structures": [good], "timeout": -1]), 400, "timeout"),
      (
        "too many structures", try body(["structures": Array(repeating: good, count: 5)]), 413,
        "structures"
      ),
      ("too many atoms", try body(["structures": [Self.chain(of: 41)]]), 413, "structures[0]"),
      ("body too large", Data(repeating: 32, count: 40_000), 413, nil),
    ]
    for (name, data, status, field) in cases {
      let reply = try server.post("/v1/score", data)
      XCTAssertEqual(
        reply.status, status, "\(name): \(String(decoding: reply.body, as: UTF8.self))")
      XCTAssertEqual(reply.json["field"] as? String, field, name)
      XCTAssertFalse((reply.json["error"] as? String ?? "").isEmpty, name)
      if status == 413 { XCTAssertNotNil(reply.json["limit"] as? String, name) }
      XCTAssertEqual(try server.score([good]).status, 200, "after \(name)")
    }
    let metrics = String(decoding: try server.get("/metrics").body, as: UTF8.self)
    XCTAssertTrue(metrics.contains(#"crystalrl_requests_total{status="400"} 16"#), metrics)
    XCTAssertTrue(metrics.contains(#"crystalrl_requests_total{status="413"} 3"#), metrics)
    XCTAssertTrue(metrics.contains(#"crystalrl_batch_structures_count 19"#), metrics)
  }

  func testDescribesThePipelineAndHealth() throws {
    let server = try ServerProcess(Self.overrides)
    let description = try server.get("/v1/pipeline").json
    let hash = try XCTUnwrap(description["pipeline"] as? String)
    XCTAssertEqual(hash.count, 16)
    XCTAssertNotNil(description["config"] as? [String: Any])
    XCTAssertFalse((description["components"] as? [Any] ?? []).isEmpty)
    XCTAssertEqual((description["limits"] as? [String: Any])?["max_queue"] as? Int, 16)
    let reply = try server.score([ServerTestSupport.json(try TestCells.rockSalt())])
    XCTAssertEqual(reply.json["pipeline"] as? String, hash)
    XCTAssertEqual(try server.get("/healthz").status, 200)
    XCTAssertEqual(try server.get("/readyz").status, 200)
    XCTAssertEqual(try server.get("/nowhere").status, 404)
  }

  /// A structure of `count` sodium atoms in a row.
  static func chain(of count: Int) -> [String: Any] {
    [
      "lattice": [[Double(count), 0, 0], [0, 10, 0], [0, 0, 10]],
      "species": Array(repeating: "Na", count: count),
      "frac_coords": (0..<count).map { [Double($0) / Double(count), 0, 0] },
    ]
  }

  func testCrystalRLServeRunsTheServer() throws {
    let run = try ProgramRun(ProgramRun.crystalrl, ["serve", "--help"])
    XCTAssertEqual(run.status, 0, run.errors)
    XCTAssertTrue(run.output.contains("--max-queue"), run.output)
    let refused = try ProgramRun(ProgramRun.crystalrl, ["serve", "--port", "70000"])
    XCTAssertNotEqual(refused.status, 0)
    XCTAssertTrue(refused.errors.contains("--port must be 0 ... 65535"), refused.errors)
  }

  func testUnusableSettingsAreRefusedBeforeListening() throws {
    let directory = try SharedData.temporaryDirectory()
    let empty = directory.appendingPathComponent("tokens")
    try "# no token here\n".write(to: empty, atomically: true, encoding: .utf8)
    let missing = directory.appendingPathComponent("missing.pem").path
    for (arguments, message) in [
      (["--token-file", empty.path], "holds no token"),
      (["--tls-cert", missing, "--tls-key", missing], "cannot serve HTTPS with"),
      (["--tls-cert", missing], "--tls-cert and --tls-key go together"),
      (["--max-queue=-1"], "--max-queue must be 0 or more"),
      (["rl_module.reward_fn.nonsense=1"], "nonsense"),
    ] {
      let run = try ProgramRun(ServerProcess.executable.path, ["--port", "0"] + arguments)
      XCTAssertNotEqual(run.status, 0, "\(arguments)")
      XCTAssertTrue(run.errors.contains(message), "\(arguments): \(run.errors)")
      XCTAssertFalse(run.output.contains("listening on"), "\(arguments)")
    }
  }

  private func body(_ object: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object)
  }
}
