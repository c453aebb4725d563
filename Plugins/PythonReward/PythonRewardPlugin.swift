// PythonReward: a user's Python function as a reward. Each instance runs one Python process
// (the interpreter of `python`, so any virtual environment), set up once at create; batches
// go to it over a pipe and rewards come back. A Python exception is an error carrying its
// traceback. Under `isolation: process` the worker owns the Python process, and a timeout
// kills both. The component takes the metrics it receives from its config entry's
// `required_metrics` (CRL_COMPONENT_METRICS_FROM_CONFIG) and passes them to the function as
// keyword arguments.
import CrystalRLABI
import SwiftPluginKit

private let create: CreateFunction = { _, configJSON, instance, errorBuffer, errorSize in
  createInstance(PythonProcess.self, configJSON, instance, errorBuffer, errorSize)
}

private let compute: ComputeFunction = { instance, batch, output, errorBuffer, errorSize in
  computeInstance(PythonProcess.self, instance, batch, output, errorBuffer, errorSize)
}

private let destroy: DestroyFunction = { instance in destroyInstance(PythonProcess.self, instance) }

/// Descriptors live for the life of the library, as the ABI requires.
private let plugin = pluginDescriptor(
  name: "python_reward", version: "1.0.0",
  description: "A Python function as a reward, run in a Python process per instance.",
  components: [
    componentDescriptor(
      name: "python",
      description: "Calls compute(structures, **params, **required_metrics), once per batch",
      parameters: parameters, flags: UInt32(CRL_COMPONENT_METRICS_FROM_CONFIG), create: create,
      compute: compute, destroy: destroy)
  ])

private var parameters: [crl_param_desc] {
  [
    parameterDescriptor(
      "module", CRL_PARAM_STRING, "A .py file, or a module name on sys.path", default: nil),
    parameterDescriptor("function", CRL_PARAM_STRING, "Function to call", default: "\"compute\""),
    parameterDescriptor(
      "python", CRL_PARAM_STRING, "Python interpreter (its environment is used)",
      default: "\"python3\""),
    parameterDescriptor(
      "params", CRL_PARAM_OBJECT, "Keyword arguments passed to every call", default: "{}"),
  ]
}

/// The plugin's one exported symbol.
@_cdecl("crystalrl_plugin_entry")
public func crystalrlPluginEntry(_ host: UnsafePointer<crl_host_api>?) -> UnsafePointer<
  crl_plugin_desc
>? {
  plugin.pointer
}
