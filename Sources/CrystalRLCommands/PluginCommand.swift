import ArgumentParser
import Foundation
import PluginHost
import PluginTooling

extension PluginScaffold.Language: ExpressibleByArgument {}

/// `crystalrl plugin inspect PATH`: what a plugin library declares, its reward components and
/// its metric providers; `crystalrl plugin check PATH`: whether its components keep the ABI's
/// rules on edge batches; `crystalrl plugin new NAME`: a plugin project to start from.
struct PluginCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugin", abstract: "Work with reward plugins.",
    subcommands: [Inspect.self, Check.self, New.self])

  /// Writes a new plugin project (`PluginScaffold`).
  struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a plugin project that builds and passes `plugin check` untouched.")

    @Argument(help: "Plugin name: letters, digits and _.") var name: String

    @Option(help: "c, cpp, rust, swift or python.") var language: PluginScaffold.Language

    @Option(help: "Directory to write (default: ./NAME).") var dir: String?

    func run() throws {
      let directory = URL(fileURLWithPath: dir ?? name)
      let files = try PluginScaffold().write(name: name, language: language, to: directory)
      for file in files { print("wrote \(file)") }
      print("next: \(directory.path)/build.sh, then see \(directory.path)/README.md")
    }
  }

  /// Runs the conformance kit (`PluginConformance`) and prints one line per check.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Check a plugin in worker processes: edge batches, counts, non-finite rewards, crashes, "
        + "timeouts, errors without a message, leaks over create/destroy, concurrent instances.",
      discussion: """
        A component with parameters that have no default is not checked unless --config gives \
        them (a line "not checked COMPONENT: …" names them); that is not a violation. \
        Exit status: 0 when no check found a violation, even if some components were not \
        checked; 1 when any check found one.
        """)

    @Argument(help: "Plugin file, or a name on the plugin search path.")
    var plugin: String

    @Option(help: "Check only this component (default: all).") var component: String?

    @Option(help: "JSON object of the component's parameters, passed to create().")
    var config = "{}"

    @Option(help: "Seconds each request to the worker may take.") var timeout: Double = 60

    @Option(help: "Structures in the large batch.") var structures = 10_000

    @Option(help: "Create/destroy cycles of the leak check.") var cycles = 1000

    func run() throws {
      var kit = PluginConformance()
      kit.configJSON = config
      kit.components = component.map { [$0] }
      kit.limits = WorkerLimits(timeout: timeout)
      kit.largeBatch = structures
      kit.lifecycleCycles = cycles
      let results = try kit.run(path: try PluginLocator.standard.locate(plugin)) {
        print($0.line)
      }
      print(ConformanceResult.summary(results))
      if results.contains(where: { $0.violation != nil }) { throw ExitCode(1) }
    }
  }

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
      if let component = info as? PluginComponentInfo, component.metricsFromConfig {
        print("  required metrics: from the config entry's required_metrics")
      } else {
        print("  required metrics: \(metrics.isEmpty ? "none" : metrics.joined(separator: ", "))")
      }
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
