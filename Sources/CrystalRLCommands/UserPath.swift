import ArgumentParser
import Foundation

/// The working directory the command started in. Every relative path the user gives (path
/// options and the config's paths) is made absolute against it while the arguments are parsed
/// and the config read, before any plugin code runs, so an in-process plugin that changes the
/// working directory (`chdir`) cannot redirect the command's inputs and outputs.
public enum LaunchDirectory {
  /// Captured on first use, which `capture()` makes the start of `main`, before anything else.
  static let path = FileManager.default.currentDirectoryPath

  /// Notes the launch directory now (the first thing `CrystalRLCommand.main` does).
  public static func capture() { _ = path }

  /// `path` (absolute, or relative to the launch directory) as an absolute file URL.
  static func resolve(_ path: String) -> URL {
    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: Self.path, isDirectory: true))
      .absoluteURL
  }
}

/// A file or directory named on the command line, made absolute (`LaunchDirectory`) when the
/// arguments are parsed.
public struct UserPath: ExpressibleByArgument, Sendable {
  /// The path as the user wrote it, for messages.
  public let given: String
  /// The absolute path.
  public let url: URL

  public init(argument: String) {
    given = argument
    url = LaunchDirectory.resolve(argument)
  }
}
