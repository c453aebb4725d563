import Foundation
import Parallelism
import Synchronization
import XCTest

final class ParallelTests: XCTestCase {
  struct PartFailed: Error, Equatable { let index: Int }

  func testResultsComeInIndexOrder() {
    // Later parts finish first: the order is the indices', not the finishing order.
    let values = Parallel.map(12, threads: 4) { index in
      usleep(useconds_t((12 - index) * 1_000))
      return index * index
    }
    XCTAssertEqual(values, (0..<12).map { $0 * $0 })
  }

  func testEmptyAndSingleJobs() {
    XCTAssertEqual(Parallel.map(0) { $0 }, [])
    XCTAssertEqual(Parallel.map(1, threads: 8) { $0 + 7 }, [7])
    XCTAssertEqual(Parallel.map(5, threads: 1) { $0 }, [0, 1, 2, 3, 4])
  }

  func testEveryPartRunsOnce() {
    let runs = Mutex<[Int]>([])
    _ = Parallel.map(1_000, threads: 3) { index in runs.withLock { $0.append(index) } }
    XCTAssertEqual(runs.withLock { $0.sorted() }, Array(0..<1_000))
  }

  func testRunsThreadsPartsAtOnce() {
    // Each part waits until all have started: this finishes only if that many threads run at
    // once, more than this machine has cores.
    let count = Parallel.cores + 2
    let arrived = Atomic<Int>(0)
    let met = Parallel.map(count, threads: count) { _ in
      arrived.add(1, ordering: .relaxed)
      let deadline = Date().addingTimeInterval(10)
      while arrived.load(ordering: .relaxed) < count && Date() < deadline { usleep(100) }
      return arrived.load(ordering: .relaxed) == count
    }
    XCTAssertEqual(met, Array(repeating: true, count: count))
  }

  func testNeverMoreThreadsThanAsked() {
    let running = Atomic<Int>(0)
    let most = Atomic<Int>(0)
    _ = Parallel.map(40, threads: 3) { _ in
      let now = running.add(1, ordering: .relaxed).newValue
      most.max(now, ordering: .relaxed)
      usleep(2_000)
      running.subtract(1, ordering: .relaxed)
    }
    XCTAssertLessThanOrEqual(most.load(ordering: .relaxed), 3)
    XCTAssertGreaterThan(most.load(ordering: .relaxed), 1)
  }

  func testTheLowestFailingPartsErrorIsThrown() {
    XCTAssertThrowsError(
      try Parallel.map(50, threads: 4) { index throws(PartFailed) in
        if index == 30 || index == 7 { throw PartFailed(index: index) }
        return index
      }
    ) { error in XCTAssertEqual(error as? PartFailed, PartFailed(index: 7)) }
  }

  func testNoPartStartsAfterAFailure() {
    for threads in [1, 2] {
      let started = Mutex<[Int]>([])
      XCTAssertThrowsError(
        try Parallel.map(1_000, threads: threads) { index throws(PartFailed) in
          started.withLock { $0.append(index) }
          if index == 3 { throw PartFailed(index: index) }
          usleep(5_000)
        })
      // Parts 0...3 ran; another thread may have taken one more part while part 3 failed.
      let ran = started.withLock { $0.sorted() }
      XCTAssertEqual(Array(ran.prefix(4)), [0, 1, 2, 3])
      XCTAssertLessThanOrEqual(ran.count, 3 + threads)
    }
  }

  func testTypedErrorsNeedNoCast() {
    do {
      _ = try Parallel.map(3, threads: 3) { index throws(PartFailed) in
        if index == 2 { throw PartFailed(index: index) }
        return index
      }
      XCTFail("no error")
    } catch {
      XCTAssertEqual(error.index, 2)
    }
  }
}
