import Foundation
import TestSupport
import XCTest

@testable import PluginTooling

/// `plugin new`'s templates are built into the binary: the built-in copy matches the tree, and
/// a copy of the `crystalrl` binary installed elsewhere makes a project that builds and passes
/// `plugin check` while the source tree is out of its sight.
final class PluginScaffoldTests: XCTestCase {
  /// When this fails, run scripts/embed-plugin-templates.sh.
  func testEmbeddedTemplatesMatchTheTree() throws {
    XCTAssertEqual(EmbeddedTemplates.base64.count, 8)
    for path in EmbeddedTemplates.base64.keys {
      let file = SharedData.packageRoot.appendingPathComponent(path)
      XCTAssertEqual(
        try String(contentsOf: file, encoding: .utf8), EmbeddedTemplates.file(path),
        "\(path) differs: run scripts/embed-plugin-templates.sh")
    }
  }

  func testAnInstalledBinaryMakesAProjectAwayFromTheSourceTree() throws {
    let install = try SharedData.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: install) }
    let built = URL(fileURLWithPath: ProgramRun.crystalrl).deletingLastPathComponent()
    for program in ["crystalrl", "crystalrl-plugin-worker"] {
      try FileManager.default.copyItem(
        at: built.appendingPathComponent(program), to: install.appendingPathComponent(program))
    }
    let script = """
      set -e
      ./crystalrl plugin new demo --language c --dir demo
      demo/build.sh
      ./crystalrl plugin check demo/libdemo.so --config '{"target_density": 0.05}' --cycles 100
      """
    // In a mount namespace of its own, an empty file system covers the source tree: nothing
    // there (templates, the header, the worker) can be reached. Machines that refuse user
    // namespaces (some containers) cannot run this test.
    let probe = try ProgramRun(
      "unshare", ["--user", "--map-root-user", "--mount", "true"], in: install)
    guard probe.status == 0 else {
      throw XCTSkip("user namespaces are not available here: \(probe.errors)")
    }
    let hidden = try ProgramRun(
      "unshare",
      [
        "--user", "--map-root-user", "--mount", "/bin/bash", "-c",
        "mount -t tmpfs none \"$0\" && \(script) 2>&1", SharedData.packageRoot.path,
      ], in: install)
    XCTAssertEqual(hidden.status, 0, hidden.output + hidden.errors)
    XCTAssertTrue(hidden.output.contains("wrote \(install.path)/demo/demo.c"), hidden.output)
    XCTAssertTrue(hidden.output.hasSuffix("all 19 checks passed\n"), hidden.output)
  }
}
