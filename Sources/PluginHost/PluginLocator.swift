import Foundation

/// Finds plugin files by path or by name. A name is looked up, in order, in the directory of
/// the running executable (where `swift build` puts the project's plugins) and in every
/// directory of `CRYSTALRL_PLUGIN_PATH` (colon-separated), as `lib<name>.so`, `<name>.so` or
/// `<name>`.
public struct PluginLocator {
  public let searchDirectories: [String]

  public init(searchDirectories: [String]) { self.searchDirectories = searchDirectories }

  /// The default search path: the executable's directory, then CRYSTALRL_PLUGIN_PATH.
  public static var standard: PluginLocator {
    let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0])
      .resolvingSymlinksInPath().deletingLastPathComponent().path
    let environment = ProcessInfo.processInfo.environment["CRYSTALRL_PLUGIN_PATH"] ?? ""
    let extra = environment.split(separator: ":").map(String.init)
    return PluginLocator(searchDirectories: [executableDirectory] + extra)
  }

  /// The file for `pathOrName`: an existing path as given (anything containing "/" or ending
  /// in ".so" is a path), else the first match on the search path.
  public func locate(_ pathOrName: String) throws -> String {
    if pathOrName.contains("/") || pathOrName.hasSuffix(".so") {
      guard FileManager.default.fileExists(atPath: pathOrName) else {
        throw PluginError.fileNotFound(path: pathOrName, searched: [])
      }
      return pathOrName
    }
    let candidates = searchDirectories.flatMap { directory in
      ["lib\(pathOrName).so", "\(pathOrName).so", pathOrName].map { "\(directory)/\($0)" }
    }
    guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) })
    else {
      throw PluginError.fileNotFound(path: pathOrName, searched: searchDirectories)
    }
    return found
  }
}
