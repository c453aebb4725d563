// crystalrl-plugin-worker PLUGIN_PATH COMPONENT CONFIG_JSON
// Serves one reward-plugin component in its own process for the host (isolation: process).
import Foundation
import PluginHost

exit(PluginWorkerServer.run(arguments: Array(CommandLine.arguments.dropFirst())))
