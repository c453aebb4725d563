import Foundation
import Synchronization
import XCTest

@testable import ProgressReporting

/// Progress reports with a fake clock: when they appear, what they say, how they are drawn.
final class ProgressReporterTests: XCTestCase {
  /// A reporter whose clock the test moves, writing into `written`.
  final class Harness: Sendable {
    private let state = Mutex((now: Date(timeIntervalSince1970: 0), written: [String]()))
    let terminal: Bool
    init(terminal: Bool) { self.terminal = terminal }

    var now: Date {
      get { state.withLock { $0.now } }
      set { state.withLock { $0.now = newValue } }
    }
    var written: [String] { state.withLock { $0.written } }
    var output: ProgressReporter.Output {
      ProgressReporter.Output(isTerminal: terminal) { text in
        self.state.withLock { $0.written.append(text) }
      }
    }

    func reporter(total: Int) -> ProgressReporter {
      ProgressReporter("energies", total: total, output: output, clock: { self.now })
    }
  }

  func testQuickWorkPrintsNothing() {
    let harness = Harness(terminal: false)
    let progress = harness.reporter(total: 100)
    progress.advance(by: 100)
    progress.finish()
    XCTAssertEqual(harness.written, [])
  }

  func testPlainLinesEveryTenSecondsWithRateAndTimeLeft() {
    let harness = Harness(terminal: false)
    let progress = harness.reporter(total: 100)
    for _ in 0..<50 {
      harness.now += 0.5
      progress.advance()
    }
    progress.finish()
    XCTAssertEqual(
      harness.written,
      [
        "energies: 20/100 (20%), 2.0/s, 40s left\n",
        "energies: 40/100 (40%), 2.0/s, 30s left\n",
        "energies: 50/100 (50%), 2.0/s, 25s left\n",
      ])
  }

  func testTerminalRedrawsABar() {
    let harness = Harness(terminal: true)
    let progress = harness.reporter(total: 4)
    for _ in 0..<4 {
      harness.now += 100
      progress.advance()
    }
    progress.finish()
    XCTAssertEqual(
      harness.written.first,
      "\r\u{1B}[Kenergies [######------------------] 1/4 (25%), 100.0 s each, 5m00s left")
    XCTAssertEqual(
      harness.written.suffix(2),
      [
        "\r\u{1B}[Kenergies [########################] 4/4 (100%), 100.0 s each, done in 6m40s",
        "\n",
      ])
  }
}
