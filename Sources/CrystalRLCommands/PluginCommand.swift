import ArgumentParser
import PluginHost

/// `crystalrl plugin inspect PATH`: what a plugin library declares, its reward components and
/// its metric providers.
struct PluginCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugin", abstract: "Work with reward plugins.",
    subcommands: [Inspect.self])

  /// Prints a plugin's ABI version, its components and its metric providers.
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Print a plugin's ABI version, components, metric providers, parameters and required metrics."
    )

    @Argument(help: "Plugin file, or a name on the plugin search path.")
    var plugin: String

    @Flag(
      help:
        "Load the plugin in a worker process, not in this one: the way to look at an untrusted file."
    )
    var isolated = false

    @Option(help: "With --isolated: seconds the worker may take.") var timeout: Double = 60

    func run() throws {
      let path = try PluginLocator.standard.locate(plugin)
      let info =
        isolated
        ? try PluginWorkerClient.describe(path: path, limits: WorkerLimits(timeout: timeout))
        : try PluginLibrary(path: path).info
      print("plugin:      \(info.name) \(info.version)")
      print("file:        \(info.path)")
      print("built for:   ABI \(info.abiVersion) (host speaks ABI \(ABIVersion.host))")
      if !info.description.isEmpty { print("description: \(info.description)") }
      for component in info.components {
        print("\ncomponent \(component.name)")
        printDetails(component)
      }
      for provider in info.providers {
        print("\nmetric provider \(provider.name) (width \(provider.width))")
        printDetails(provider)
      }
    }

    /// Description, required metrics, NaN policy and parameters of a component or provider.
    private func printDetails(_ info: any PluginComputationInfo) {
      if !info.description.isEmpty { print("  \(info.description)") }
      let metrics = info.requiredMetrics
      print("  required metrics: \(metrics.isEmpty ? "none" : metrics.joined(separator: ", "))")
      if info.outputMayBeNaN { print("  may return NaN") }
      if info.parameters.isEmpty { print("  parameters: none") }
      for parameter in info.parameters {
        let fallback = parameter.defaultJSON.map { "default \($0)" } ?? "required"
        print("  parameter \(parameter.name) (\(parameter.kind.rawValue), \(fallback))")
        if !parameter.description.isEmpty { print("    \(parameter.description)") }
      }
    }
  }
}
