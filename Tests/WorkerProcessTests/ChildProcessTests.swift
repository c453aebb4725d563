import Foundation
import TestSupport
import WorkerProcess
import XCTest

/// A child runs in its own process group that dies with it; its output is collected; a line
/// worker answers, restarts after dying, and is stopped on timeout.
final class ChildProcessTests: XCTestCase {
  /// Starts `/bin/sh -c script` with standard output on a pipe; returns the child and the
  /// pipe's read end.
  func shell(_ script: String) throws -> (ChildProcess, Int32) {
    let output = try Descriptors.pipe()
    let null = try Descriptors.devNull()
    defer {
      close(output.write)
      close(null)
    }
    let child = try ChildProcess(
      executable: "/bin/sh", arguments: ["-c", script], descriptors: [null, output.write, null])
    return (child, output.read)
  }

  /// The first line `descriptor` delivers.
  func firstLine(_ descriptor: Int32) -> String {
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while read(descriptor, &byte, 1) == 1 && byte != UInt8(ascii: "\n") { line.append(byte) }
    return String(decoding: line, as: UTF8.self)
  }

  func testKillTakesDownTheWholeGroup() throws {
    // The shell starts a helper in the background and reports its pid.
    let (child, output) = try shell("sleep 300 & echo $!; wait")
    defer { close(output) }
    let helper = try XCTUnwrap(pid_t(firstLine(output)))
    XCTAssertEqual(getpgid(helper), child.pid, "the helper is in the child's group")
    XCTAssertEqual(ProcessTable.liveProcesses(inGroup: child.pid).count, 2)
    XCTAssertNil(child.poll())
    child.kill()
    XCTAssertEqual(child.termination, .signaled(SIGKILL))
    XCTAssertEqual(ProcessTable.survivors(ofGroup: child.pid), [])
  }

  func testAChildThatEndsByItselfTakesItsGroupWithIt() throws {
    let (child, output) = try shell("sleep 300 & echo $!; exit 3")
    defer { close(output) }
    XCTAssertNotNil(pid_t(firstLine(output)))
    XCTAssertEqual(child.stop(grace: 10), .exited(status: 3))
    XCTAssertEqual(ProcessTable.survivors(ofGroup: child.pid), [])
  }

  func testWaitReadableSeesDataThenTheEnd() throws {
    let (child, output) = try shell("echo ready; sleep 0.2; exit 0")
    defer { close(output) }
    XCTAssertEqual(child.waitReadable(output, until: Date() + 10), .readable)
    XCTAssertEqual(firstLine(output), "ready")
    XCTAssertEqual(child.waitReadable(output, until: Date() + 10), .exited(.exited(status: 0)))
    let (sleeper, quiet) = try shell("sleep 300")
    defer { close(quiet) }
    XCTAssertEqual(sleeper.waitReadable(quiet, until: Date() + 0.1), .timedOut)
    XCTAssertEqual(sleeper.stop(grace: 0), .signaled(SIGKILL))
  }

  func testAMissingExecutableIsASpawnErrorNamingIt() {
    XCTAssertThrowsError(
      try ChildProcess(executable: "/nonexistent/worker", arguments: [], descriptors: [])
    ) { error in
      let spawn = error as? ChildProcess.SpawnError
      XCTAssertEqual(spawn?.executable, "/nonexistent/worker")
      XCTAssertEqual(spawn?.reason, "No such file or directory")
    }
  }

  func testOutputCollectorKeepsTheLast4KiB() throws {
    let pipe = try Descriptors.pipe()
    let collector = OutputCollector(pipe.read, forwardingPrefix: nil)
    let text = (0..<1000).map { String(format: "line %04d\n", $0) }.joined()
    text.utf8CString.withUnsafeBytes { _ = write(pipe.write, $0.baseAddress, $0.count - 1) }
    close(pipe.write)
    // The last 4096 bytes start with " 0590\n" (inside line 590); spaces are trimmed.
    let last4KiB = String(decoding: Array(text.utf8).suffix(4096), as: UTF8.self)
    XCTAssertTrue(last4KiB.hasPrefix(" 0590\nline 0591"))
    XCTAssertEqual(collector.tail, last4KiB.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  func testTerminationNames() {
    XCTAssertEqual("\(Termination.signaled(SIGSEGV))", "killed by SIGSEGV")
    XCTAssertEqual("\(Termination.signaled(40))", "killed by signal 40")
    XCTAssertEqual("\(Termination.exited(status: 2))", "exited with status 2")
  }
}
