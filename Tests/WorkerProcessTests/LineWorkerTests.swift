import Foundation
import WorkerProcess
import XCTest

/// LineWorker: greeting, one answer per request line, restart after the process dies, and
/// a timeout that stops it.
final class LineWorkerTests: XCTestCase {
  /// A shell worker: greets, then answers `echo X` with X, `die` by exiting 7 after writing to
  /// standard error, and `hang` by sleeping.
  func worker() -> LineWorker {
    LineWorker(
      executable: "/bin/sh",
      arguments: [
        "-c",
        """
        echo hello $$
        while read command argument; do
          case $command in
            echo) echo "$argument" ;;
            die) echo "dying now" >&2; exit 7 ;;
            hang) sleep 300 ;;
          esac
        done
        """,
      ])
  }

  func testRequestsAreAnsweredInOrder() throws {
    let worker = worker()
    defer { worker.stop() }
    let greeting = try worker.start(timeout: 10)
    XCTAssertTrue(greeting.hasPrefix("hello "), greeting)
    XCTAssertEqual(try worker.request("echo 1", timeout: 10, startTimeout: 10), "1")
    XCTAssertEqual(try worker.request("echo two words", timeout: 10, startTimeout: 10), "two words")
    XCTAssertEqual(worker.greeting, greeting, "the same process answered")
  }

  func testAWorkerThatDiesReportsItsErrorOutputAndRestarts() throws {
    let worker = worker()
    defer { worker.stop() }
    let first = try worker.start(timeout: 10)
    XCTAssertThrowsError(try worker.request("die", timeout: 10, startTimeout: 10)) { error in
      guard case .exited(let termination, let stderr) = error as? LineWorker.Failure else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(termination, .exited(status: 7))
      XCTAssertEqual(stderr, "dying now")
    }
    XCTAssertNil(worker.greeting)
    XCTAssertEqual(try worker.request("echo back", timeout: 10, startTimeout: 10), "back")
    XCTAssertNotEqual(worker.greeting, first, "a new process")
  }

  func testATimedOutRequestStopsTheWorker() throws {
    let worker = worker()
    defer { worker.stop() }
    try worker.start(timeout: 10)
    let start = Date()
    XCTAssertThrowsError(try worker.request("hang", timeout: 0.3, startTimeout: 10)) { error in
      guard case .timedOut(let seconds) = error as? LineWorker.Failure else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(seconds, 0.3)
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    XCTAssertNil(worker.greeting)
  }

  func testAWorkerThatCannotStart() {
    let worker = LineWorker(executable: "/nonexistent/worker", arguments: [])
    XCTAssertThrowsError(try worker.start(timeout: 1)) { error in
      guard case .cannotStart(let message) = error as? LineWorker.Failure else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual(message, "cannot start /nonexistent/worker: No such file or directory")
    }
  }
}
