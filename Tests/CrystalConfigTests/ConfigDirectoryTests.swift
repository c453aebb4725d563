import Foundation
import TestSupport
import XCTest

@testable import CrystalConfig

/// Where the configs are found, and the copy built into the binary.
final class ConfigDirectoryTests: XCTestCase {
  let configs = SharedData.packageRoot.appendingPathComponent("configs")

  /// The built-in copy is configs/ exactly; when this fails, run scripts/embed-configs.sh.
  func testEmbeddedConfigsMatchTheTree() throws {
    let files = try FileManager.default.subpathsOfDirectory(atPath: configs.path)
      .filter { $0.hasSuffix(".yaml") }
    XCTAssertEqual(
      Set(files), Set(EmbeddedConfigs.files.keys), "run scripts/embed-configs.sh")
    for file in files {
      XCTAssertEqual(
        try String(contentsOf: configs.appendingPathComponent(file), encoding: .utf8),
        EmbeddedConfigs.files[file], "\(file) differs: run scripts/embed-configs.sh")
    }
  }

  func testFindsThePackageConfigsFromTheExecutablePath() throws {
    let executable = SharedData.packageRoot.appendingPathComponent(".build/debug/crystalrl").path
    let found = try ConfigDirectory.locate(
      environment: [:], currentDirectory: "/", executable: executable)
    XCTAssertEqual(found.standardized.path, configs.standardized.path)
  }

  func testEnvironmentAndExplicitDirectoryComeFirst() throws {
    let other = try SharedData.temporaryDirectory()
    try FileManager.default.createDirectory(
      at: other.appendingPathComponent("custom_reward"), withIntermediateDirectories: true)
    XCTAssertEqual(
      try ConfigDirectory.locate(
        environment: ["CRYSTALRL_CONFIG_DIR": other.path], executable: "/nowhere/crystalrl"
      ).path, other.path)
    XCTAssertEqual(try ConfigDirectory.locate(explicit: other.path).path, other.path)
    XCTAssertThrowsError(try ConfigDirectory.locate(explicit: "/no/such/configs")) { error in
      XCTAssertTrue("\(error)".contains("is not a directory"), "\(error)")
    }
  }

  /// Run from nowhere near the source tree, the built-in copy composes like configs/.
  func testBuiltInCopyComposes() throws {
    let cache = try SharedData.temporaryDirectory()
    let directory = try ConfigDirectory.locate(
      environment: ["XDG_CACHE_HOME": cache.path], currentDirectory: "/",
      executable: "/nowhere/bin/crystalrl")
    XCTAssertTrue(directory.path.hasPrefix(cache.path), directory.path)
    XCTAssertEqual(
      try ConfigLoader(directory: directory).compose(primary: "train_rl"),
      try ConfigLoader(directory: configs).compose(primary: "train_rl"))
  }
}
