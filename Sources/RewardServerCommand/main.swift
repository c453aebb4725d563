import ArgumentParser
import CrystalRLCommands
import Foundation
import RewardServer
import RewardService

/// `crystalrl-serve` (also run as `crystalrl serve`): serves the reward pipeline the overrides
/// compose over HTTP/JSON, exactly as `crystalrl reward` would score with it.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "crystalrl serve",
    abstract: "Serve a reward pipeline over HTTP/JSON (POST /v1/score; see openapi.yaml).")

  @Option(help: "Address to listen on (loopback by default).")
  var host = "127.0.0.1"

  @Option(help: "Port to listen on; 0 picks a free one (printed as `listening on ...`).")
  var port = 8000

  @Option(help: "Batches scored at the same time, each by its own pipeline replica.")
  var maxConcurrency = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: "Batches that may wait for a replica; beyond them, 503 with Retry-After.")
  var maxQueue = 16

  @Option(
    help: "Longest deadline a request may ask for (timeout, X-Request-Timeout), and the default.")
  var maxRequestSeconds: Double = 300

  @Option(help: "Largest request body in bytes.")
  var maxBodyBytes = 64 << 20

  @Option(help: "Structures per batch.")
  var maxStructures = 4096

  @Option(help: "Atoms per structure.")
  var maxAtoms = 1024

  @Option(help: "File of accepted bearer tokens, one per line; requests must send one.")
  var tokenFile: UserPath?

  @Option(help: "PEM certificate (chain) to serve HTTPS with; needs --tls-key.")
  var tlsCert: UserPath?

  @Option(help: "PEM private key of --tls-cert.")
  var tlsKey: UserPath?

  @OptionGroup var config: ConfigOptions

  func validate() throws {
    for (name, value) in [
      ("--max-concurrency", maxConcurrency), ("--max-body-bytes", maxBodyBytes),
      ("--max-structures", maxStructures), ("--max-atoms", maxAtoms),
    ] where value < 1 {
      throw ValidationError("\(name) must be at least 1")
    }
    guard maxQueue >= 0 else { throw ValidationError("--max-queue must be 0 or more") }
    guard maxRequestSeconds > 0 else {
      throw ValidationError("--max-request-seconds must be positive")
    }
    guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 ... 65535") }
    guard (tlsCert == nil) == (tlsKey == nil) else {
      throw ValidationError("--tls-cert and --tls-key go together")
    }
  }

  func run() async throws {
    let limits = ServiceLimits(
      maxConcurrency: maxConcurrency, maxQueue: maxQueue, maxRequestSeconds: maxRequestSeconds,
      maxBodyBytes: maxBodyBytes, maxStructures: maxStructures, maxAtoms: maxAtoms)
    var settings = ServerSettings(host: host, port: port)
    settings.tokens = try tokenFile.map { try BearerTokens(file: $0.url) }
    settings.tlsCertificate = tlsCert?.url
    settings.tlsKey = tlsKey?.url
    let composed = try config.load()
    var factory = try config.rewardFactory(composed)
    let service = try RewardService(
      factory: &factory, config: try composed.node("rl_module.reward_fn"), limits: limits,
      log: { logToStandardError($0) })
    try await RewardServer(service: service, settings: settings, log: { logToStandardError($0) })
      .run()
  }
}

LaunchDirectory.capture()
do {
  let command = try ServeCommand.parse()
  try await command.run()
} catch {
  ServeCommand.exit(withError: error)
}
