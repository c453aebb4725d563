import CrystalConfig
import Foundation
import PluginHost
import RewardAssembly
import RewardPipeline
import XCTest

/// The reward pipeline a `reward_fn` config (YAML) describes, built by a fresh `RewardFactory`
/// that caches reference sets under `cache` (a fresh temporary directory by default).
public func rewardPipeline(_ yaml: String, cache: URL? = nil) throws -> ReinforceReward {
  var factory = RewardFactory(cacheDirectory: try cache ?? SharedData.temporaryDirectory())
  return try factory.makePipeline(try ConfigValue.parse(yaml: yaml, source: "test"))
}

/// A `reward_fn` config with a single component whose keys are the lines of `blocks`, e.g.
/// `singleComponent("plugin: PythonReward\ncomponent: python", "module: m.py")`.
public func singleComponent(_ blocks: String...) -> String {
  let lines = blocks.flatMap { $0.split(separator: "\n") }
  return "components:\n"
    + lines.enumerated().map { ($0.offset == 0 ? "  - " : "    ") + $0.element + "\n" }.joined()
}

/// Asserts that `body` throws `RewardError.configuration` with a message containing every one of
/// `texts`.
public func assertConfigurationError(
  _ texts: [String], file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> Void
) {
  guard let error = thrownError(RewardError.self, file: file, line: line, body) else { return }
  guard case .configuration(let message) = error else {
    return XCTFail("not a configuration error: \(error)", file: file, line: line)
  }
  for text in texts {
    XCTAssertTrue(message.contains(text), "'\(message)' lacks '\(text)'", file: file, line: line)
  }
}

/// Asserts that `body` throws `PluginError.createFailed` (`.computeFailed` when `computing`) of
/// component `component` with a message containing every one of `texts`.
public func assertPluginFailure(
  _ component: String, computing: Bool = false, mentions texts: [String],
  file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) {
  guard let error = thrownError(PluginError.self, file: file, line: line, body) else { return }
  let message: String
  switch error {
  case .createFailed(.component(component), let text) where !computing: message = text
  case .computeFailed(.component(component), let text) where computing: message = text
  default:
    return XCTFail(
      "not a \(computing ? "compute" : "create") failure of '\(component)': \(error)", file: file,
      line: line)
  }
  for text in texts {
    XCTAssertTrue(message.contains(text), "'\(message)' lacks '\(text)'", file: file, line: line)
  }
}
