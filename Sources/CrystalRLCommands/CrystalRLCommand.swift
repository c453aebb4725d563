import ArgumentParser

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
      SampleCommand.self, EvaluateCommand.self, RewardCommand.self, PluginCommand.self,
      ConfigCommand.self,
    ])

  public init() {}
}
