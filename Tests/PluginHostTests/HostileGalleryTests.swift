import Foundation
import PluginHost
import RewardPipeline
import TestSupport
import XCTest

/// Hostile and broken plugins, each with its asserted outcome: isolated (`isolation: process`)
/// for every case, in-process where the host can survive it. After every test no process of
/// any worker's group is left running.
final class HostileGalleryTests: XCTestCase {
  private var groups: [pid_t] = []

  override func setUp() {
    groups = []
    addTeardownBlock { [unowned self] in
      for group in groups {
        XCTAssertEqual(ProcessTable.survivors(ofGroup: group), [], "worker group \(group) survives")
      }
    }
  }

  func isolated(
    _ variant: String, config: String = #"{"offset": 0.25}"#, timeout: Double = 2,
    memoryLimitMB: Int? = nil
  ) throws -> IsolatedPluginComponent {
    let component = try IsolatedPluginComponent(
      path: try TestPlugins.path(variant), name: "count", configJSON: config,
      limits: WorkerLimits(timeout: timeout, memoryLimitMB: memoryLimitMB))
    track(component)
    return component
  }

  func track(_ component: IsolatedPluginComponent) {
    if let pid = component.workerProcessID { groups.append(pid) }
  }

  func inProcess(_ variant: String, config: String = #"{"offset": 0.25}"#) throws
    -> PluginComponent
  {
    let library = try PluginLibrary(path: try TestPlugins.path(variant), log: { _, _ in })
    return try PluginComponent(library: library, name: "count", configJSON: config)
  }

  /// Scores with a component built by `make` on a fresh worker; the error must mention
  /// `expected`, and a second batch (on a replacement worker) fails the same way.
  func assertEveryBatchFails(
    _ variant: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let component = try isolated(variant)
    for _ in 0..<2 {
      assertError(expected, file: file, line: line) { _ = try TestPlugins.score(component) }
      XCTAssertNil(component.workerProcessID, "the failed worker is gone", file: file, line: line)
    }
  }

  // MARK: Crashes, exits and hangs (isolated only: each would take the host down)

  func testSegfaultAbortExitAndThrowAreNamedAndTheWorkerIsReplaced() throws {
    try assertEveryBatchFails(
      "crash", "plugin component 'count' failed: worker process killed by SIGSEGV")
    try assertEveryBatchFails("abort", "worker process killed by SIGABRT")
    try assertEveryBatchFails("exit3", "worker process exited with status 3")
    try assertEveryBatchFails("cxx_throw", "worker process killed by SIGABRT")
    let thrower = try isolated("cxx_throw")
    assertError("thrown through the C ABI") { _ = try TestPlugins.score(thrower) }
  }

  func testHangIsStoppedByTheTimeout() throws {
    let component = try isolated("hang", timeout: 1)
    let start = Date()
    assertError("worker process gave no answer within 1.0 s (timeout) and was killed") {
      _ = try TestPlugins.score(component)
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 3)
  }

  func testSlowJustUnderAndOverTheTimeout() throws {
    let under = try isolated("slow", config: #"{"sleep_ms": 500}"#, timeout: 1)
    XCTAssertEqual(try TestPlugins.score(under), [2, 1, 3])
    let over = try isolated("slow", config: #"{"sleep_ms": 1500}"#, timeout: 1)
    let start = Date()
    assertError("no answer within 1.0 s") { _ = try TestPlugins.score(over) }
    XCTAssertLessThan(Date().timeIntervalSince(start), 1.5)
    XCTAssertEqual(
      try TestPlugins.score(try inProcess("slow", config: #"{"sleep_ms": 50}"#)), [2, 1, 3])
  }

  func testMemoryBombHitsTheLimitWithAClearError() throws {
    let component = try isolated("memory_bomb", memoryLimitMB: 256)
    assertError(
      "plugin component 'count' ran out of memory under its limit (memory_limit_mb: 256)",
      "CRL_OUT_OF_MEMORY: malloc failed after"
    ) { _ = try TestPlugins.score(component) }
    XCTAssertNil(component.workerProcessID, "a worker that hit its limit is replaced")
  }

  func testLimitBelowTheWorkersOwnUseIsAClearError() {
    assertError("memory_limit_mb 1 is below what the worker itself already uses") {
      _ = try self.isolated("good", memoryLimitMB: 1)
    }
  }

  // MARK: Helpers that hold the worker's pipes

  func testForkedChildAndBackgroundProcessDieWithTheWorker() throws {
    for variant in ["fork_hang", "background"] {
      var component: IsolatedPluginComponent? = try isolated(variant)
      let group = component!.workerProcessID!
      let start = Date()
      XCTAssertEqual(try TestPlugins.score(component!), [2.25, 1.25, 3.25], variant)
      XCTAssertLessThan(Date().timeIntervalSince(start), 2, variant)
      XCTAssertGreaterThan(ProcessTable.liveProcesses(inGroup: group).count, 1, variant)
      component = nil
      XCTAssertEqual(ProcessTable.survivors(ofGroup: group), [], variant)
    }
  }

  func testTimeoutDoesNotWaitForABackgroundProcessHoldingThePipes() throws {
    let component = try isolated("background_hang", timeout: 1)
    let group = component.workerProcessID!
    let start = Date()
    assertError("no answer within 1.0 s") { _ = try TestPlugins.score(component) }
    XCTAssertLessThan(Date().timeIntervalSince(start), 3)
    XCTAssertEqual(ProcessTable.survivors(ofGroup: group), [])
  }

  // MARK: Output

  func testPrintsNeverReachStandardOutput() throws {
    let local = try capturingStandardStreams {
      XCTAssertEqual(try TestPlugins.score(try inProcess("prints")), [2.25, 1.25, 3.25])
    }
    XCTAssertFalse(local.output.contains("from c"), local.output)
    XCTAssertTrue(local.error.contains("hello from compute"), local.error)
    XCTAssertTrue(local.error.contains("complaint from compute"), local.error)

    let remote = try capturingStandardStreams(settle: 0.3) {
      let component = try isolated("prints")
      for _ in 0..<2 {  // the protocol is not disturbed: no stale reply answers the next batch
        XCTAssertEqual(try TestPlugins.score(component), [2.25, 1.25, 3.25])
      }
    }
    XCTAssertFalse(remote.output.contains("from c"), remote.output)
    for line in ["hello from create", "hello from compute", "complaint from compute"] {
      XCTAssertTrue(remote.error.contains("[plugin count] \(line)"), remote.error)
    }
  }

  func testClosingStdoutAndStderrDoesNotCloseTheHosts() throws {
    var before = stat()
    var after = stat()
    fstat(1, &before)
    XCTAssertEqual(try TestPlugins.score(try inProcess("close_stdio")), [2.25, 1.25, 3.25])
    XCTAssertEqual(fstat(1, &after), 0)
    XCTAssertEqual(after.st_ino, before.st_ino)
    XCTAssertNotEqual(fcntl(2, F_GETFD), -1)
    let component = try isolated("close_stdio")
    for _ in 0..<2 { XCTAssertEqual(try TestPlugins.score(component), [2.25, 1.25, 3.25]) }
  }

  // MARK: Bad results (both modes)

  func testBadResultsAreRefusedInBothModes() throws {
    let count = PluginSubject.component("count")
    let cases: [(String, PluginError)] = [
      ("nan_output", .nanOutput(subject: count, index: 1)),
      ("inf_output", .infiniteOutput(subject: count, index: 2, negative: true)),
      ("inf_nan_allowed", .infiniteOutput(subject: count, index: 2, negative: true)),
      ("wrong_count", .wrongCount(subject: count, structures: 3, width: 1, got: 2)),
      ("overrun", .outputOverrun(subject: count, capacity: 3)),
      (
        "compute_fails",
        .computeFailed(subject: count, message: "CRL_ERROR: structure 0 is not to my liking")
      ),
    ]
    for (variant, expected) in cases {
      assertThrows(expected) { _ = try TestPlugins.score(try inProcess(variant)) }
      let component = try isolated(variant)
      assertThrows(expected) { _ = try TestPlugins.score(component) }
      XCTAssertNotNil(component.workerProcessID, "a plugin error keeps the worker")
    }
  }

  func testDeclaredNaNAbstainsInBothModes() throws {
    for component in [try inProcess("nan_allowed") as RewardComponent, try isolated("nan_allowed")]
    {
      let report = try ReinforceReward(components: [WeightedComponent(component)])
        .score(try TestPlugins.structures())
      XCTAssertEqual(report.abstained, [1])
      XCTAssertEqual(report.total[0], 2.25)
    }
  }

  func testUnterminatedErrorMessageIsCutAtTheBuffer() throws {
    let expected = "CRL_ERROR: " + String(repeating: "x", count: 1023)
    for component in [
      try inProcess("unterminated_error") as RewardComponent, try isolated("unterminated_error"),
    ] {
      XCTAssertThrowsError(try TestPlugins.score(component)) { error in
        XCTAssertTrue("\(error)".hasSuffix(expected), "\(error)")
      }
    }
  }

  // MARK: Loading (both modes, except what crashes)

  func testBadLibrariesAndDescriptorsAreClearErrors() throws {
    let cases: [(String, String)] = [
      ("future_major", "was built for ABI 2.0 but this host speaks ABI 1.1"),
      ("future_minor", "was built for ABI 1.9 but this host speaks ABI 1.1"),
      ("no_entry", "does not export crystalrl_plugin_entry"),
      ("refuse_host", "refused this host"),
      ("oversized_struct", "crl_component_desc[0].struct_size is 2147483647"),
      ("zero_struct", "crl_component_desc[0].struct_size is 0"),
      ("huge_count", "num_components is 1000000 (at most 1024 are accepted)"),
      ("null_name", "component 0's name is NULL"),
    ]
    for (variant, expected) in cases {
      let path = try TestPlugins.path(variant)
      assertError(expected) { _ = try PluginLibrary(path: path, log: { _, _ in }) }
      assertError(expected) { _ = try PluginWorkerClient.describe(path: path) }
      assertError(expected) { _ = try self.isolated(variant) }
    }
  }

  func testCrashesWhileLoadingOrCreatingStayInTheWorker() throws {
    assertError("failed in its worker process: worker process killed by SIGSEGV") {
      _ = try PluginWorkerClient.describe(path: try TestPlugins.path("entry_crash"))
    }
    assertError("plugin component 'count' failed to create: worker process killed by SIGSEGV") {
      _ = try self.isolated("create_crash")
    }
    let start = Date()
    assertError("failed to create: worker process gave no answer within 1.0 s") {
      _ = try self.isolated("create_hang", timeout: 1)
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 3)
  }

  func testCreateErrorIsReportedOnce() throws {
    let expected =
      "plugin component 'count' failed to create: CRL_INVALID_ARGUMENT: "
      + "the test plugin refuses to start"
    for make in [
      { _ = try self.inProcess("create_fails") }, { _ = try self.isolated("create_fails") },
    ] {
      XCTAssertThrowsError(try make()) { error in XCTAssertEqual("\(error)", expected) }
    }
  }
}
