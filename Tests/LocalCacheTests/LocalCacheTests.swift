import CrystalConfig
import CrystalModels
import Foundation
import LocalCache
import XCTest

/// The cache root and what lives under it, the Python environments, and the stable key.
final class LocalCacheTests: XCTestCase {
  func testCacheRootHonoursCrystalRLCacheThenXDGThenHome() {
    XCTAssertEqual(
      CacheRoot.directory(environment: ["CRYSTALRL_CACHE": "/c", "XDG_CACHE_HOME": "/x"]).path,
      "/c")
    XCTAssertEqual(
      CacheRoot.directory(environment: ["CRYSTALRL_CACHE": "", "XDG_CACHE_HOME": "/x"]).path,
      "/x/crystalrl")
    XCTAssertEqual(
      CacheRoot.directory(environment: [:]).path, NSHomeDirectory() + "/.cache/crystalrl")
    XCTAssertEqual(
      CacheRoot.subdirectory("references", environment: ["CRYSTALRL_CACHE": "/c"]).path,
      "/c/references")
  }

  func testCheckpointsFollowTheRootUnlessCrystalRLCheckpointsIsSet() {
    XCTAssertEqual(
      CheckpointStore.standard(environment: ["CRYSTALRL_CACHE": "/c"]).directory.path,
      "/c/checkpoints")
    XCTAssertEqual(
      CheckpointStore.standard(
        environment: ["CRYSTALRL_CACHE": "/c", "CRYSTALRL_CHECKPOINTS": "/store"]
      ).directory.path, "/store")
  }

  func testPythonEnvironmentsFollowTheRootUnlessTheirVariableIsSet() {
    XCTAssertEqual(
      PythonEnvironment.chgnet.interpreter(environment: ["CRYSTALRL_CACHE": "/c"]),
      "/c/venv-chgnet/bin/python")
    XCTAssertEqual(
      PythonEnvironment.oracle.interpreter(environment: ["XDG_CACHE_HOME": "/x"]),
      "/x/crystalrl/venv/bin/python")
    XCTAssertEqual(
      PythonEnvironment.chgnet.interpreter(
        environment: ["CRYSTALRL_CACHE": "/c", "CRYSTALRL_CHGNET_PYTHON": "/usr/bin/python3"]),
      "/usr/bin/python3")
  }

  /// The built-in configs are written under the cache root (here `$CRYSTALRL_CACHE`).
  func testBuiltInConfigsGoUnderTheRoot() throws {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("crystalrl-cache-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = try ConfigDirectory.locate(
      environment: ["CRYSTALRL_CACHE": root.path, "XDG_CACHE_HOME": "/nowhere"],
      currentDirectory: "/", executable: "/nowhere/bin/crystalrl")
    XCTAssertEqual(directory.deletingLastPathComponent().path, root.path)
    XCTAssertTrue(directory.lastPathComponent.hasPrefix("configs-"), directory.path)
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: directory.appendingPathComponent("train_rl.yaml").path)
    )
  }

  /// FNV-1a's published test vectors, over text and over bytes.
  func testStableKeyIsFNV1a() {
    XCTAssertEqual(stableKey(""), 0xcbf2_9ce4_8422_2325)
    XCTAssertEqual(stableKey("a"), 0xaf63_dc4c_8601_ec8c)
    XCTAssertEqual(stableKey("foobar"), 0x8594_4171_f739_67e8)
    XCTAssertEqual(stableKey(bytes: Array("foobar".utf8)), stableKey("foobar"))
  }
}
