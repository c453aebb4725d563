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
  ) throws -> PluginComponent {
    let component = try PluginComponent(
      path: try TestPlugins.path(variant), name: "count", configJSON: config,
      limits: WorkerLimits(timeout: timeout, memoryLimitMB: memoryLimitMB))
    track(component)
    return component
  }

  func track(_ component: PluginComponent) {
    if let pid = component.workerProcessID { groups.append(pid) }
  }

  func inProcess(_ variant: String, config: String = #"{"offset": 0.25}"#) throws
    -> PluginComponent
  {
    let library = try PluginLibrary(path: try TestPlugins.path(variant), log: { _, _ in })
    return try PluginComponent(library: library, name: "count", configJSON: config)
  }

  /// The message of the `failed` (`computeFailed`) or `failed to create` (`createFailed`)
  /// error of component `count` that `body` throws; nil (after a test failure) for any other.
  func failure(
    creating: Bool = false, file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws -> Void
  ) -> String? {
    switch thrownError(PluginError.self, file: file, line: line, body) {
    case .computeFailed(.component("count"), let message)? where !creating: return message
    case .createFailed(.component("count"), let message)? where creating: return message
    case let other?:
      XCTFail("unexpected \(other)", file: file, line: line)
      return nil
    case nil: return nil
    }
  }

  /// Scores with a component built by `make` on a fresh worker; the compute failure's message
  /// must start with `expected`, and a second batch (on a replacement worker) fails the same way.
  func assertEveryBatchFails(
    _ variant: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let component = try isolated(variant)
    for _ in 0..<2 {
      let message = failure(file: file, line: line) { _ = try TestPlugins.score(component) }
      XCTAssertEqual(message?.hasPrefix(expected), true, "\(message ?? "")", file: file, line: line)
      XCTAssertNil(component.workerProcessID, "the failed worker is gone", file: file, line: line)
    }
  }

  // MARK: Crashes, exits and hangs (isolated only: each would take the host down)

  func testSegfaultAbortExitAndThrowAreNamedAndTheWorkerIsReplaced() throws {
    try assertEveryBatchFails("crash", "worker process killed by SIGSEGV")
    try assertEveryBatchFails("abort", "worker process killed by SIGABRT")
    try assertEveryBatchFails("exit3", "worker process exited with status 3")
    try assertEveryBatchFails("cxx_throw", "worker process killed by SIGABRT")
    let thrower = try isolated("cxx_throw")
    let message = failure { _ = try TestPlugins.score(thrower) }
    XCTAssertEqual(message?.contains("thrown through the C ABI"), true, "\(message ?? "")")
  }

  func testHangIsStoppedByTheTimeout() throws {
    let component = try isolated("hang", timeout: 1)
    let start = Date()
    assertThrows(
      PluginError.computeFailed(
        subject: .component("count"),
        message: "worker process gave no answer within 1.0 s (timeout) and was killed")
    ) { _ = try TestPlugins.score(component) }
    XCTAssertLessThan(Date().timeIntervalSince(start), 3)
  }

  func testSlowJustUnderAndOverTheTimeout() throws {
    let under = try isolated("slow", config: #"{"sleep_ms": 500}"#, timeout: 1)
    XCTAssertEqual(try TestPlugins.score(under), [2, 1, 3])
    let over = try isolated("slow", config: #"{"sleep_ms": 1500}"#, timeout: 1)
    let start = Date()
    let message = failure { _ = try TestPlugins.score(over) }
    XCTAssertEqual(message?.contains("no answer within 1.0 s"), true, "\(message ?? "")")
    XCTAssertLessThan(Date().timeIntervalSince(start), 1.5)
    XCTAssertEqual(
      try TestPlugins.score(try inProcess("slow", config: #"{"sleep_ms": 50}"#)), [2, 1, 3])
  }

  func testMemoryBombHitsTheLimitWithAClearError() throws {
    let component = try isolated("memory_bomb", memoryLimitMB: 256)
    let error = thrownError(PluginError.self) { _ = try TestPlugins.score(component) }
    guard case .memoryLimit(.component("count"), 256, let message)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertTrue(message.hasPrefix("CRL_OUT_OF_MEMORY: malloc failed after"), message)
    XCTAssertNil(component.workerProcessID, "a worker that hit its limit is replaced")
  }

  func testLimitBelowTheWorkersOwnUseIsAClearError() {
    let error = thrownError(PluginError.self) { _ = try self.isolated("good", memoryLimitMB: 1) }
    guard case .workerFailed(_, let message)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertTrue(
      message.hasPrefix("memory_limit_mb 1 is below what the worker itself already uses"), message)
  }

  // MARK: Helpers that hold the worker's pipes

  func testForkedChildAndBackgroundProcessDieWithTheWorker() throws {
    for variant in ["fork_hang", "background"] {
      var component: PluginComponent? = try isolated(variant)
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
    let message = failure { _ = try TestPlugins.score(component) }
    XCTAssertEqual(message?.contains("no answer within 1.0 s"), true, "\(message ?? "")")
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
      let message = failure { _ = try TestPlugins.score(component) }
      XCTAssertEqual(message?.hasSuffix(expected), true, "\(message ?? "")")
    }
  }

  // MARK: Loading (both modes, except what crashes)

  func testBadLibrariesAndDescriptorsAreClearErrors() throws {
    let cases: [(String, (String) -> PluginError)] = [
      (
        "future_major", { .incompatibleVersion(path: $0, pluginVersion: "2.0", hostVersion: "1.1") }
      ),
      (
        "future_minor", { .incompatibleVersion(path: $0, pluginVersion: "1.9", hostVersion: "1.1") }
      ),
      ("no_entry", { .missingEntrySymbol(path: $0) }),
      ("refuse_host", { .refusedHost(path: $0, hostVersion: "1.1") }),
      (
        "oversized_struct",
        {
          .malformedDescriptor(
            path: $0,
            reason: "crl_component_desc[0].struct_size is 2147483647 (valid: 72 to 4096 bytes)")
        }
      ),
      (
        "zero_struct",
        {
          .malformedDescriptor(
            path: $0, reason: "crl_component_desc[0].struct_size is 0 (valid: 72 to 4096 bytes)")
        }
      ),
      (
        "huge_count",
        {
          .malformedDescriptor(
            path: $0, reason: "num_components is 1000000 (at most 1024 are accepted)")
        }
      ),
      ("null_name", { .malformedDescriptor(path: $0, reason: "component 0's name is NULL") }),
    ]
    for (variant, expected) in cases {
      let path = try TestPlugins.path(variant)
      assertThrows(expected(path)) { _ = try PluginLibrary(path: path, log: { _, _ in }) }
      assertThrows(expected(path)) { _ = try PluginWorkerClient.describe(path: path) }
      assertThrows(expected(path)) { _ = try self.isolated(variant) }
    }
  }

  func testCrashesWhileLoadingOrCreatingStayInTheWorker() throws {
    let entryCrash = try TestPlugins.path("entry_crash")
    assertThrows(
      PluginError.workerFailed(path: entryCrash, message: "worker process killed by SIGSEGV")
    ) { _ = try PluginWorkerClient.describe(path: entryCrash) }
    assertThrows(
      PluginError.createFailed(
        subject: .component("count"), message: "worker process killed by SIGSEGV")
    ) { _ = try self.isolated("create_crash") }
    let start = Date()
    let message = failure(creating: true) { _ = try self.isolated("create_hang", timeout: 1) }
    XCTAssertEqual(
      message?.hasPrefix("worker process gave no answer within 1.0 s"), true, "\(message ?? "")")
    XCTAssertLessThan(Date().timeIntervalSince(start), 3)
  }

  func testCreateErrorIsReportedOnce() throws {
    let expected = PluginError.createFailed(
      subject: .component("count"),
      message: "CRL_INVALID_ARGUMENT: the test plugin refuses to start")
    for make in [
      { _ = try self.inProcess("create_fails") }, { _ = try self.isolated("create_fails") },
    ] {
      assertThrows(expected, make)
    }
  }
}
