import Foundation

/// Builds C reward plugins for tests with the documented one-line command:
/// `cc -shared -fPIC -I<include dir> source.c -o libNAME.so`.
public enum CPluginBuilder {
  /// The directory holding crystalrl_plugin.h.
  public static let includeDirectory = SharedData.packageRoot
    .appendingPathComponent("Sources/CrystalRLABI/include").path

  /// Compiles `source` with extra `defines` (e.g. ["NO_ENTRY"]) into a fresh .so with
  /// `compiler` (`c++` for C++ sources) against the header in `include` (a frozen older one
  /// for compatibility tests); returns its path. Throws with the compiler's output on failure.
  public static func build(
    source: URL, defines: [String] = [], name: String, compiler: String = "cc",
    include: String = includeDirectory
  ) throws -> String {
    let output = try SharedData.temporaryDirectory().appendingPathComponent("lib\(name).so").path
    try ProgramRun(
      compiler,
      ["-shared", "-fPIC", "-I", include] + defines.map { "-D\($0)" }
        + [source.path, "-o", output]
    ).requireSuccess(compiler)
    return output
  }
}
