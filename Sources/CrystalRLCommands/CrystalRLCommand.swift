import ArgumentParser
import Foundation

/// The `crystalrl` command line.
public struct CrystalRLCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "crystalrl",
    abstract:
      "Reinforcement-learning fine-tuning of crystal generative models with plugin rewards.",
    subcommands: [
      QuickstartCommand.self, TrainVAECommand.self, TrainLDMCommand.self,
      TrainPredictorCommand.self,
      TrainRLCommand.self,
      SampleCommand.self, EvaluateCommand.self, RewardCommand.self, ServeCommand.self,
      PluginCommand.self, ConfigCommand.self,
    ])

  public init() {}

  /// Parses the process's arguments and runs the command; output that could not be written
  /// (standard output redirected to a full disk) is an error, like any failed write.
  public static func main() {
    LaunchDirectory.capture()
    do {
      var command = try parseAsRoot()
      try command.run()
      try flushStandardOutput()
    } catch {
      exit(withError: error)
    }
  }
}
