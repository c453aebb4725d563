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
    try ProgramRun(
      "cargo",
      [
        "build", "--release", "--offline", "--quiet", "--manifest-path",
        crate.appendingPathComponent("Cargo.toml").path, "--target-dir", targetDirectory.path,
      ]
    ).requireSuccess("cargo")
    return targetDirectory.appendingPathComponent("release/lib\(library).so").path
  }
}
