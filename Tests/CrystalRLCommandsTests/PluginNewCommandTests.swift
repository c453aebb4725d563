import Foundation
import TestSupport
import XCTest

/// `crystalrl plugin new NAME --language L` for C, C++, Rust, Swift and Python: the project
/// builds with its own build.sh and passes `plugin check` with the command its README gives
/// (for Python, that checks the shipped PythonReward plugin running the project's module).
final class PluginNewCommandTests: XCTestCase {
  let crystalrl = ProgramRun.crystalrl

  /// Runs `command` with bash in `directory`; its error output is part of `output`.
  func shell(_ command: String, in directory: URL) throws -> ProgramRun {
    try ProgramRun("/bin/bash", ["-c", command + " 2>&1"], in: directory)
  }

  func testEveryLanguageBuildsAndPassesPluginCheck() throws {
    let root = try SharedData.temporaryDirectory()
    for language in ["c", "cpp", "rust", "swift", "python"] {
      let name = "my_\(language)"
      let made = try shell(
        "\(crystalrl) plugin new \(name) --language \(language) --dir \(language)", in: root)
      XCTAssertEqual(made.status, 0, made.output)
      let project = root.appendingPathComponent(language)
      let built = try shell("./build.sh", in: project)
      XCTAssertEqual(built.status, 0, "\(language): \(built.output)")
      let readme = try String(
        contentsOf: project.appendingPathComponent("README.md"), encoding: .utf8)
      let command = try XCTUnwrap(
        readme.split(separator: "\n").first { $0.hasPrefix("crystalrl plugin check") })
      let checked = try shell(
        crystalrl + command.dropFirst("crystalrl".count) + " --structures 200", in: project)
      XCTAssertEqual(checked.status, 0, "\(language): \(checked.output)")
      XCTAssertTrue(checked.output.contains("checks passed"), checked.output)
    }
    let refused = try shell("\(crystalrl) plugin new again --language c --dir c", in: root)
    XCTAssertNotEqual(refused.status, 0)
    XCTAssertTrue(refused.output.contains("is not empty"), refused.output)
  }
}
