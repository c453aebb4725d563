import CrystalCore
import Foundation
import PluginHost
import RewardPipeline
import TestSupport
import XCTest

/// Plugins run in a worker process: a crash or a hang costs one batch, with a clear error.
final class IsolationTests: XCTestCase {
  func isolated(_ defines: String..., timeout: Double = 10) throws -> IsolatedPluginComponent {
    let path = try CPluginBuilder.build(
      source: PluginLoadingTests.source, defines: defines,
      name: "isolated_\(defines.first?.lowercased() ?? "good")")
    let info = try PluginLibrary(path: path, log: { _, _ in }).component(named: "count")
    return try IsolatedPluginComponent(
      path: path, name: "count", configJSON: #"{"offset": 0.25}"#, info: info, timeout: timeout)
  }

  func score(_ component: RewardComponent) throws -> [Double] {
    try ReinforceReward(components: [WeightedComponent(component)])
      .score(try PluginLoadingTests.structures()).components[0].raw
  }

  func testIsolatedPluginGivesTheSameRewards() throws {
    XCTAssertEqual(try score(try isolated()), [2.25, 1.25, 3.25])
  }

  func testCrashIsAnErrorAndTheWorkerRestarts() throws {
    let component = try isolated("CRASH")
    for _ in 0..<2 {  // the second batch gets a fresh worker, which crashes again
      XCTAssertThrowsError(try score(component)) { error in
        XCTAssertTrue("\(error)".contains("worker process: worker exited"), "\(error)")
      }
    }
  }

  func testHangIsStoppedByTheTimeout() throws {
    let component = try isolated("HANG", timeout: 1)
    let start = Date()
    XCTAssertThrowsError(try score(component)) { error in
      XCTAssertTrue("\(error)".contains("no answer within 1.0 s"), "\(error)")
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 10)
  }

  func testWorkerReportsPluginErrors() throws {
    XCTAssertThrowsError(try isolated("CREATE_FAILS")) { error in
      XCTAssertTrue("\(error)".contains("the test plugin refuses to start"), "\(error)")
    }
    XCTAssertThrowsError(try score(try isolated("COMPUTE_FAILS"))) { error in
      XCTAssertTrue("\(error)".contains("structure 0 is not to my liking"), "\(error)")
    }
    XCTAssertThrowsError(try score(try isolated("WRONG_COUNT"))) { error in
      XCTAssertTrue("\(error)".contains("returned 2 rewards for 3 structures"), "\(error)")
    }
    XCTAssertThrowsError(try score(try isolated("NAN_OUTPUT"))) { error in
      XCTAssertTrue("\(error)".contains("NaN for structure 1"), "\(error)")
    }
  }
}
