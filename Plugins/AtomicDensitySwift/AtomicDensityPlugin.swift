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

private let compute: ComputeFunction = { _, batch, output, error, errorSize in
  computeRewards(batch, output, error, errorSize) { batch in
    guard batch.num_structures == 0 || (batch.atom_offsets != nil && batch.lattices != nil) else {
      throw PluginFailure("the batch lacks atom offsets or lattices")
    }
    return try (0..<Int(batch.num_structures)).map { index in
      let volume = cellVolume(batch.lattices, index)
      guard volume > 0 else {
        throw PluginFailure("structure \(index) has a degenerate cell (volume \(volume))")
      }
      return Double(batch.atom_offsets[index + 1] - batch.atom_offsets[index]) / volume
    }
  }
}

private let destroy: DestroyFunction = { _ in }

/// Descriptors live for the life of the library, as the ABI requires.
private let plugin = pluginDescriptor(
  name: "atomic_density_swift", version: "1.0.0",
  description: "Atomic-density reward (Swift example plugin).",
  components: [
    componentDescriptor(
      name: "atomic_density",
      description: "Atomic density N/V in atoms per cubic Angstrom (Swift example plugin).",
      create: create, compute: compute, destroy: destroy)
  ])

/// The plugin's one exported symbol.
@_cdecl("crystalrl_plugin_entry")
public func crystalrlPluginEntry(_ host: UnsafePointer<crl_host_api>?) -> UnsafePointer<
  crl_plugin_desc
>? {
  plugin.pointer
}
