import Foundation

/// Locates the shared crystal datasets (../shared/data relative to the package root).
public enum SharedData {
  /// The package root, found from this source file's location.
  public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// URL of a file under ../shared/data, e.g. `SharedData.url("perov_5/val.csv")`.
  public static func url(_ relativePath: String) -> URL {
    packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
      .appendingPathComponent(relativePath)
  }

  /// A fresh temporary directory for one test.
  public static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("crystalrl-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
