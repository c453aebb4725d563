import Foundation

/// The Rust (Examples/rust-plugin, cargo cdylib) and C++ (Examples/cpp-plugin, C++17) example
/// plugins, built as their READMEs say, once per test run on first use.
public enum ExamplePlugins {
  static let examples = SharedData.packageRoot.appendingPathComponent("Examples")
  static let built = Result {
    [
      "rust": try CargoPluginBuilder.build(
        crate: examples.appendingPathComponent("rust-plugin"), library: "atomic_density_rs"),
      "cpp": try CPluginBuilder.build(
        source: examples.appendingPathComponent("cpp-plugin/atomic_density.cpp"),
        name: "atomic_density_cpp", compiler: "c++"),
    ]
  }

  /// The built plugins' files, by language (cpp, rust).
  public static func paths() throws -> [(language: String, path: String)] {
    try built.get().sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}
