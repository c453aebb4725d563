// The atomic-density reward (N/V, atoms per cubic Angstrom) written as a Swift plugin: the
// same ABI as the C example, exported with @_cdecl. Nothing here depends on the host's Swift
// modules; the plugin sees only crystalrl_plugin.h and the small SwiftPluginKit.
import CrystalRLABI
import SwiftPluginKit

/// Volume |det L| of the row-major lattice at `lattices[9 * index]`.
private func cellVolume(_ lattices: UnsafePointer<Double>, _ index: Int) -> Double {
  let m = lattices + 9 * index
  let det =
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
    + m[2] * (m[3] * m[7] - m[4] * m[6])
  return abs(det)
}

private let create: CreateFunction = { _, _, instance, _, _ in
  instance?.pointee = nil  // stateless
  return CRL_OK
}

private let compute: ComputeFunction = { _, batchPointer, outputPointer, error, errorSize in
  guard let batch = batchPointer?.pointee, let output = outputPointer,
    let offsets = batch.atom_offsets, let lattices = batch.lattices,
    let rewards = output.pointee.rewards
  else {
    reportError("null batch or output", into: error, size: errorSize)
    return CRL_INVALID_ARGUMENT
  }
  let count = Int(batch.num_structures)
  guard output.pointee.capacity >= batch.num_structures else {
    reportError(
      "output holds \(output.pointee.capacity) rewards for \(count) structures", into: error,
      size: errorSize)
    return CRL_INVALID_ARGUMENT
  }
  for index in 0..<count {
    let volume = cellVolume(lattices, index)
    guard volume > 0 else {
      reportError(
        "structure \(index) has a degenerate cell (volume \(volume))", into: error,
        size: errorSize)
      return CRL_INVALID_ARGUMENT
    }
    rewards[index] = Double(offsets[index + 1] - offsets[index]) / volume
  }
  output.pointee.count = UInt64(count)
  return CRL_OK
}

private let destroy: DestroyFunction = { _ in }

/// Descriptors live for the life of the library, as the ABI requires.
private let plugin = pluginDescriptor(
  name: "atomic_density_swift", version: "1.0.0",
  description: "Atomic-density reward (Swift example plugin).",
  components: [
    crl_component_desc(
      struct_size: UInt32(MemoryLayout<crl_component_desc>.size), flags: 0,
      name: staticCString("atomic_density"),
      description: staticCString(
        "Atomic density N/V in atoms per cubic Angstrom (Swift example plugin)."),
      num_params: 0, params: nil, required_metrics: nil,
      create: create, compute: compute, destroy: destroy)
  ])

/// The plugin's one exported symbol.
@_cdecl("crystalrl_plugin_entry")
public func crystalrlPluginEntry(_ host: UnsafePointer<crl_host_api>?) -> UnsafePointer<
  crl_plugin_desc
>? {
  plugin
}
