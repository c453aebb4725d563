// FunctionReward: any exported C function as a reward, called through libffi. The config
// declares the function's signature; parameter names choose what is passed (see Quantity).
// The host maps `_target_: FunctionReward` to this plugin's `function` component, so a vendor
// library runs in-process or, with `isolation: process`, in the plugin worker like any plugin.
import CrystalRLABI
import SwiftPluginKit

private let create: CreateFunction = { _, configJSON, instance, errorBuffer, errorSize in
  createInstance(FunctionRewardInstance.self, configJSON, instance, errorBuffer, errorSize)
}

private let compute: ComputeFunction = { instance, batch, output, errorBuffer, errorSize in
  computeInstance(FunctionRewardInstance.self, instance, batch, output, errorBuffer, errorSize)
}

private let destroy: DestroyFunction = { instance in
  destroyInstance(FunctionRewardInstance.self, instance)
}

/// Descriptors live for the life of the library, as the ABI requires.
private let plugin = pluginDescriptor(
  name: "function_reward", version: "1.0.0",
  description: "Any exported C function as a reward, called through libffi.",
  components: [
    componentDescriptor(
      name: "function",
      description: "Calls a C function per structure (or per batch) with the arguments it declares",
      parameters: parameters, create: create, compute: compute, destroy: destroy)
  ])

private var parameters: [crl_param_desc] {
  [
    parameterDescriptor(
      "library", CRL_PARAM_STRING, "Shared library: a path, or a name found like plugins",
      default: nil),
    parameterDescriptor("function", CRL_PARAM_STRING, "Exported function to call", default: nil),
    parameterDescriptor(
      "signature", CRL_PARAM_STRING,
      "C signature, e.g. \"double (int64 num_atoms, const double *lattice, double volume)\"",
      default: nil),
    parameterDescriptor(
      "batch", CRL_PARAM_BOOL, "One call per batch, filling 'double *out'; returns 0 on success",
      default: "false"),
    parameterDescriptor(
      "params", CRL_PARAM_OBJECT, "Constants passed as param.NAME", default: "{}"),
  ]
}

/// The plugin's one exported symbol.
@_cdecl("crystalrl_plugin_entry")
public func crystalrlPluginEntry(_ host: UnsafePointer<crl_host_api>?) -> UnsafePointer<
  crl_plugin_desc
>? {
  plugin.pointer
}
