import Foundation

/// Builds Rust reward plugins (cargo crates of crate-type `cdylib`) for tests, offline, with
/// `cargo build --release --offline`; the target directory `.build-cargo/` in the package
/// root is kept between runs, so only the first build compiles.
public enum CargoPluginBuilder {
  public static let targetDirectory = SharedData.packageRoot.appendingPathComponent(
    ".build-cargo")

  /// Builds the crate in `crate` and returns the path of its `lib<library>.so`. Throws with
  /// cargo's output on failure.
  public static func build(crate: URL, library: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "cargo", "build", "--release", "--offline", "--quiet", "--manifest-path",
      crate.appendingPathComponent("Cargo.toml").path, "--target-dir", targetDirectory.path,
    ]
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw SupportError(description: "cargo failed: " + String(decoding: message, as: UTF8.self))
    }
    return targetDirectory.appendingPathComponent("release/lib\(library).so").path
  }
}
