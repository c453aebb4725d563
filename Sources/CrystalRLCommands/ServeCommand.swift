import ArgumentParser
import Foundation

/// `crystalrl serve`: runs the reward server, the `crystalrl-serve` executable beside this one.
/// The server is built on its own (it brings Hummingbird and SwiftNIO, minutes to compile), by
/// `make serve`, or here on first use when this executable sits in a package's build directory.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve a reward pipeline over HTTP/JSON (`crystalrl serve --help` for the options).")

  @Argument(
    parsing: .captureForPassthrough,
    help: "Overrides and options of the server (--host, --port, --max-concurrency, ...).")
  var arguments: [String] = []

  func run() throws {
    let directory = Bundle.main.executableURL!.resolvingSymlinksInPath().deletingLastPathComponent()
    let server = directory.appendingPathComponent("crystalrl-serve")
    if !FileManager.default.isExecutableFile(atPath: server.path) {
      try Self.build(server)
    }
    let argv = ([server.path] + arguments).map { strdup($0) } + [nil]
    execv(server.path, argv)
    throw ValidationError("cannot run \(server.path): \(String(cString: strerror(errno)))")
  }

  /// Builds `server` with the package whose build directory holds it.
  private static func build(_ server: URL) throws {
    let directory = server.deletingLastPathComponent()
    var root = directory
    while root.path != "/" {
      root.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
        break
      }
    }
    guard root.path != "/" else {
      throw ValidationError(
        "\(server.path) is missing, and this crystalrl is not in a package's build directory: "
          + "build the server with `make serve` in the CrystalRL checkout")
    }
    logToStandardError(
      "crystalrl-serve is not built yet: building it now (`make serve`; a few minutes the first "
        + "time) ...")
    let build = Process()
    build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    build.arguments = [
      "swift", "build", "--package-path", root.path, "-c", directory.lastPathComponent,
      "--product", "crystalrl-serve",
    ]
    build.standardOutput = FileHandle.standardError
    try build.run()
    build.waitUntilExit()
    guard build.terminationStatus == 0 else {
      throw ValidationError("building crystalrl-serve failed (exit \(build.terminationStatus))")
    }
  }
}
