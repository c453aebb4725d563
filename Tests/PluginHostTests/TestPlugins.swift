import CrystalCore
import Foundation
import Parallelism
import PluginHost
import RewardPipeline
import TestSupport
import XCTest

/// The test plugins (Fixtures/test_plugin.c, one build per behaviour; the same source built
/// against the frozen ABI 1.0 header; Fixtures/provider_plugin.c's variants; the C++ one),
/// built once per test run, in parallel, on first use.
enum TestPlugins {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")
  static let cSource = fixtures.appendingPathComponent("test_plugin.c")
  static let providerSource = fixtures.appendingPathComponent("provider_plugin.c")
  static let cxxSource = fixtures.appendingPathComponent("cxx_throw_plugin.cpp")
  /// The header exactly as ABI 1.0 shipped it.
  static let abi10Include = fixtures.appendingPathComponent("abi_1_0").path

  /// Every variant of test_plugin.c the tests use: a name and its -D defines.
  static let variants: [String: [String]] = {
    var table: [String: [String]] = ["good": []]
    for define in [
      "FUTURE_MAJOR", "FUTURE_MINOR", "NO_ENTRY", "REFUSE_HOST", "CREATE_FAILS", "COMPUTE_FAILS",
      "NAN_OUTPUT", "INF_OUTPUT", "WRONG_COUNT", "STRIDE_GROWTH", "CRASH", "ABORT", "EXIT3", "HANG",
      "MEMORY_BOMB", "OVERRUN", "UNTERMINATED_ERROR", "CLOSE_STDIO", "PRINTS", "SLOW",
      "OVERSIZED_STRUCT", "ZERO_STRUCT", "HUGE_COUNT", "NULL_NAME", "ENTRY_CRASH", "CREATE_CRASH",
      "CREATE_HANG", "FORK_HANG", "BACKGROUND", "METRICS_FROM_CONFIG",
    ] {
      table[define.lowercased()] = [define]
    }
    table["nan_allowed"] = ["NAN_OUTPUT", "NAN_ALLOWED"]
    table["inf_nan_allowed"] = ["INF_OUTPUT", "NAN_ALLOWED"]
    table["background_hang"] = ["BACKGROUND", "HANG"]
    return table
  }()

  /// Every variant of provider_plugin.c, named "providers" and "providers_" + define.
  static let providerVariants: [String: [String]] = {
    var table: [String: [String]] = ["providers": []]
    for define in ["NAN_VALUES", "INF_VALUES", "SHORT_COUNT", "CYCLE", "CRASH"] {
      table["providers_\(define.lowercased())"] = [define]
    }
    table["providers_nan_allowed"] = ["NAN_VALUES", "NAN_ALLOWED"]
    return table
  }()

  /// How to build the plugin called `name`.
  private static func build(_ name: String) throws -> String {
    if name == "cxx_throw" {
      return try CPluginBuilder.build(source: cxxSource, name: name, compiler: "c++")
    }
    if name == "abi_1_0" {
      return try CPluginBuilder.build(source: cSource, name: name, include: abi10Include)
    }
    if let defines = providerVariants[name] {
      return try CPluginBuilder.build(source: providerSource, defines: defines, name: name)
    }
    return try CPluginBuilder.build(source: cSource, defines: variants[name]!, name: name)
  }

  private static let built: Result<[String: String], Error> = {
    let names =
      variants.keys.sorted() + providerVariants.keys.sorted() + ["cxx_throw", "abi_1_0"]
    return Result { try Parallel.map(names.count) { try build(names[$0]) } }
      .map { Dictionary(uniqueKeysWithValues: zip(names, $0)) }
  }()

  /// The path of the built variant `name` (e.g. "crash", "good", "cxx_throw", "abi_1_0",
  /// "providers_cycle").
  static func path(_ name: String) throws -> String {
    let paths = try built.get()
    guard let path = paths[name] else { throw SupportError(description: "no variant \(name)") }
    return path
  }

  /// Three small structures with 2, 1 and 3 atoms.
  static func structures() throws -> [Structure] {
    [
      try TestCells.cubic(["Na", "Cl"], edge: 3, at: [.zero, Vector3(0.5, 0.5, 0.5)]),
      try TestCells.cubic(["Na"], edge: 3),
      try TestCells.cubic(
        ["Na", "Na", "Cl"], at: [.zero, Vector3(0.5, 0.5, 0), Vector3(0.5, 0, 0.5)]),
    ]
  }

  /// The raw rewards of `component` on `structures()`.
  static func score(_ component: RewardComponent) throws -> [Double] {
    try ReinforceReward(components: [WeightedComponent(component)])
      .score(try structures()).components[0].raw
  }
}

/// Runs `body` with this process's standard output and standard error captured in files;
/// returns what reached each (waiting `settle` seconds for forwarded output to arrive).
func capturingStandardStreams(settle: Double = 0, _ body: () throws -> Void) rethrows
  -> (output: String, error: String)
{
  let directory = FileManager.default.temporaryDirectory
  let outputPath = directory.appendingPathComponent("stdout-\(UUID().uuidString)").path
  let errorPath = directory.appendingPathComponent("stderr-\(UUID().uuidString)").path
  fflush(nil)  // every C output stream: stdout and stderr
  let savedOutput = dup(1)
  let savedError = dup(2)
  let outputFile = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  let errorFile = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  dup2(outputFile, 1)
  dup2(errorFile, 2)
  defer {
    fflush(nil)
    dup2(savedOutput, 1)
    dup2(savedError, 2)
    [savedOutput, savedError, outputFile, errorFile].forEach { close($0) }
  }
  try body()
  if settle > 0 { usleep(useconds_t(settle * 1e6)) }
  fflush(nil)
  return (
    (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
    (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
  )
}
