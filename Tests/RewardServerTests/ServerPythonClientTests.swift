import Foundation
import ReferenceOracles
import TestSupport
import XCTest

/// The server from Python, as trainers call it: httpx client checks (every reply's shape, every
/// bad input's field), schemathesis against openapi.yaml (no 5xx but the documented 503 and
/// 504, every response as the spec says), and tokens with TLS under a certificate the test makes.
final class ServerPythonClientTests: XCTestCase {
  static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Python")

  /// Runs pytest on `files` against `server`, with `environment` added.
  private func pytest(
    _ files: [String], _ server: ServerProcess, _ environment: [String: String] = [:]
  ) throws {
    let run = try ProgramRun(
      PythonOracle.interpreter, ["-m", "pytest", "-q", "-p", "no:cacheprovider"] + files,
      environment: environment.merging(["CRYSTALRL_SERVER_URL": server.url.absoluteString]) {
        $1
      }, in: Self.scripts)
    XCTAssertEqual(run.status, 0, run.output + run.errors + server.errors)
  }

  func testClientChecksAndSchemathesis() throws {
    let server = try ServerProcess([])
    try pytest(["client_checks.py", "schemathesis_run.py"], server)
    XCTAssertEqual(try server.get("/healthz").status, 200)
  }

  func testTokensAndTLS() throws {
    let directory = try SharedData.temporaryDirectory()
    let certificate = directory.appendingPathComponent("cert.pem")
    let key = directory.appendingPathComponent("key.pem")
    try ProgramRun(
      "openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", certificate.path,
      ]
    ).requireSuccess("openssl req")
    let tokens = directory.appendingPathComponent("tokens")
    try "a-token-for-tests\n".write(to: tokens, atomically: true, encoding: .utf8)
    let server = try ServerProcess(
      ["--token-file", tokens.path, "--tls-cert", certificate.path, "--tls-key", key.path],
      waitUntilReady: false)  // over HTTPS the Python side waits for /readyz
    XCTAssertEqual(server.url.scheme, "https")
    try pytest(
      ["tls_and_token.py"], server,
      ["CRYSTALRL_SERVER_TOKEN": "a-token-for-tests", "CRYSTALRL_SERVER_CA": certificate.path])
  }
}
