// crystalrl-plugin-worker PLUGIN_PATH HOST_PID MEMORY_LIMIT_MB
// Loads one plugin in its own process (one component or metric provider instance) and serves
// the host over WorkerProtocol (descriptors 3 and 4, the batch in shared memory on descriptor
// 5); isolation: process.
import Foundation
import PluginHost

exit(PluginWorkerServer.run(arguments: Array(CommandLine.arguments.dropFirst())))
