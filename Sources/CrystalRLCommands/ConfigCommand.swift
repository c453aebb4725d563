import ArgumentParser
import CrystalConfig

/// `crystalrl config`: prints the composed configuration (or one key of it).
struct ConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config", abstract: "Print the composed configuration.")

  @OptionGroup var config: ConfigOptions

  @Option(help: "Print only this key path, with interpolations resolved.")
  var key: String?

  func run() throws {
    let composed = try config.load()
    if let key {
      guard let value = try composed.resolved(at: key) else {
        throw ConfigError("no key '\(key)' in the composed configuration")
      }
      print(value)
    } else {
      print(composed.root)
    }
  }
}
