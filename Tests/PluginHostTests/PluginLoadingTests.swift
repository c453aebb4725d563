import CrystalCore
import Foundation
import PluginHost
import RewardPipeline
import Synchronization
import TestSupport
import XCTest

/// Loads test plugins built on the fly and checks every outcome of the loader and adapter.
final class PluginLoadingTests: XCTestCase {
  func plugin(_ define: String? = nil) throws -> String {
    try TestPlugins.path(define?.lowercased() ?? "good")
  }

  func score(_ path: String, config: String = "{}") throws -> [Double] {
    let library = try PluginLibrary(path: path, log: { _, _ in })
    let component = try PluginComponent(library: library, name: "count", configJSON: config)
    let pipeline = ReinforceReward(components: [WeightedComponent(component)])
    return try pipeline.score(try TestPlugins.structures()).components[0].raw
  }

  func testGoodPluginReceivesBatchAndMetricsWithoutCopies() throws {
    XCTAssertEqual(try score(try plugin()), [2, 1, 3])
    XCTAssertEqual(try score(try plugin(), config: #"{"offset": 0.5}"#), [2.5, 1.5, 3.5])
  }

  func testDescriptorIsRead() throws {
    let library = try PluginLibrary(path: try plugin(), log: { _, _ in })
    XCTAssertEqual(library.info.abiVersion, ABIVersion.host)
    let component = try library.component(named: "count")
    XCTAssertEqual(component.requiredMetrics, ["num_atoms"])
    XCTAssertEqual(component.parameters.map(\.name), ["offset"])
    XCTAssertEqual(component.parameters.first?.kind, .number)
    XCTAssertEqual(component.parameters.first?.defaultJSON, "0")
  }

  func testGrownDescriptorsAreWalkedByTheirStructSize() throws {
    let library = try PluginLibrary(path: try plugin("STRIDE_GROWTH"), log: { _, _ in })
    XCTAssertEqual(library.info.components.map(\.name), ["count", "second"])
    XCTAssertEqual(
      try library.component(named: "count").parameters.map(\.name), ["offset", "label"])
    XCTAssertEqual(try score(library.info.path, config: #"{"offset": 1}"#), [3, 2, 4])
  }

  func testPluginLogsReachTheHost() throws {
    let received = LockedMessages()
    let library = try PluginLibrary(
      path: try plugin(), log: { _, message in received.append(message) })
    _ = try PluginComponent(library: library, name: "count")
    XCTAssertEqual(received.messages, ["test plugin created"])
  }

  func testFutureMajorIsRefusedNamingBothVersions() throws {
    let path = try plugin("FUTURE_MAJOR")
    // The one test of PluginError's wording; the others match its cases.
    assertError("plugin \(path) was built for ABI 2.0 but this host speaks ABI 1.1; rebuild") {
      _ = try PluginLibrary(path: path)
    }
    assertThrows(
      PluginError.incompatibleVersion(path: path, pluginVersion: "2.0", hostVersion: "1.1")
    ) {
      _ = try PluginLibrary(path: path)
    }
  }

  func testNewerMinorIsRefused() throws {
    let path = try plugin("FUTURE_MINOR")
    assertThrows(
      PluginError.incompatibleVersion(path: path, pluginVersion: "1.9", hostVersion: "1.1")
    ) {
      _ = try PluginLibrary(path: path)
    }
  }

  func testMissingEntrySymbol() throws {
    let path = try plugin("NO_ENTRY")
    assertThrows(PluginError.missingEntrySymbol(path: path)) { _ = try PluginLibrary(path: path) }
  }

  func testPluginRefusingHost() throws {
    let path = try plugin("REFUSE_HOST")
    assertThrows(PluginError.refusedHost(path: path, hostVersion: "1.1")) {
      _ = try PluginLibrary(path: path)
    }
  }

  func testCreateFailureCarriesPluginMessage() throws {
    let library = try PluginLibrary(path: try plugin("CREATE_FAILS"))
    let error = thrownError(PluginError.self) {
      _ = try PluginComponent(library: library, name: "count")
    }
    guard case .createFailed(.component("count"), let message)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertTrue(message.contains("the test plugin refuses to start"), message)
  }

  func testComputeErrorCarriesPluginMessage() throws {
    let path = try plugin("COMPUTE_FAILS")
    let error = thrownError(PluginError.self) { _ = try score(path) }
    guard case .computeFailed(.component("count"), let message)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertTrue(message.contains("CRL_ERROR: structure 0 is not to my liking"), message)
  }

  func testNaNOutputIsRejected() throws {
    let path = try plugin("NAN_OUTPUT")
    assertThrows(PluginError.nanOutput(subject: .component("count"), index: 1)) {
      _ = try score(path)
    }
  }

  func testWrongCountIsRejected() throws {
    let path = try plugin("WRONG_COUNT")
    assertThrows(
      PluginError.wrongCount(subject: .component("count"), structures: 3, width: 1, got: 2)
    ) { _ = try score(path) }
  }

  func testMissingFileAndNonSharedObject() throws {
    assertThrows(PluginError.fileNotFound(path: "/nonexistent/libnothing.so", searched: [])) {
      _ = try PluginLibrary(path: "/nonexistent/libnothing.so")
    }
    let notELF = try SharedData.temporaryDirectory().appendingPathComponent("libtext.so")
    try Data("not a library".utf8).write(to: notELF)
    let error = thrownError(PluginError.self) { _ = try PluginLibrary(path: notELF.path) }
    guard case .cannotOpen(let path, _)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertEqual(path, notELF.path)
  }

  func testUnknownComponentListsAvailable() throws {
    let library = try PluginLibrary(path: try plugin(), log: { _, _ in })
    assertThrows(
      PluginError.unknownComponent(path: library.info.path, name: "nope", available: ["count"])
    ) { _ = try PluginComponent(library: library, name: "nope") }
  }

  func testLocatorSearchesPathByName() throws {
    let path = try plugin()
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let locator = PluginLocator(searchDirectories: ["/nonexistent", directory])
    XCTAssertEqual(try locator.locate("good"), path)
    let error = thrownError(PluginError.self) { _ = try locator.locate("absent") }
    guard case .fileNotFound("absent", let searched)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertEqual(searched.first.map { $0.hasPrefix("/nonexistent") }, true, "\(searched)")
  }
}

/// Collects log messages from any thread.
final class LockedMessages: Sendable {
  private let storage = Mutex<[String]>([])
  func append(_ message: String) { storage.withLock { $0.append(message) } }
  var messages: [String] { storage.withLock { $0 } }
}
