// The atomic-density reward (N/V, atoms per cubic Angstrom) written as a Swift plugin: the
// same ABI as the C example, exported with @_cdecl. Nothing here depends on the host's Swift
// modules; the plugin sees only crystalrl_plugin.h.
import CrystalRLABI

/// Volume |det L| of the row-major lattice at `lattices[9 * index]`.
private func cellVolume(_ lattices: UnsafePointer<Double>, _ index: Int) -> Double {
  let m = lattices + 9 * index
  let det =
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
    + m[2] * (m[3] * m[7] - m[4] * m[6])
  return abs(det)
}

/// Writes `message` into the host's error buffer (truncated, NUL-terminated).
private func report(_ message: String, _ error: UnsafeMutablePointer<CChar>?, _ size: Int) {
  guard let error, size > 0 else { return }
  let bytes = Array(message.utf8.prefix(size - 1))
  for (offset, byte) in bytes.enumerated() { error[offset] = CChar(bitPattern: byte) }
  error[bytes.count] = 0
}

private let create:
  @convention(c) (
    UnsafePointer<crl_host_api>?, UnsafePointer<CChar>?,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    UnsafeMutablePointer<CChar>?, Int
  ) -> crl_status = { _, _, instance, _, _ in
    instance?.pointee = nil  // stateless
    return CRL_OK
  }

private let compute:
  @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<crl_batch>?, UnsafeMutablePointer<crl_output>?,
    UnsafeMutablePointer<CChar>?, Int
  ) -> crl_status = { _, batchPointer, outputPointer, error, errorSize in
    guard let batch = batchPointer?.pointee, let output = outputPointer,
      let offsets = batch.atom_offsets, let lattices = batch.lattices,
      let rewards = output.pointee.rewards
    else {
      report("null batch or output", error, errorSize)
      return CRL_INVALID_ARGUMENT
    }
    let count = Int(batch.num_structures)
    guard output.pointee.capacity >= batch.num_structures else {
      report(
        "output holds \(output.pointee.capacity) rewards for \(count) structures", error, errorSize)
      return CRL_INVALID_ARGUMENT
    }
    for index in 0..<count {
      let volume = cellVolume(lattices, index)
      guard volume > 0 else {
        report("structure \(index) has a degenerate cell (volume \(volume))", error, errorSize)
        return CRL_INVALID_ARGUMENT
      }
      rewards[index] = Double(offsets[index + 1] - offsets[index]) / volume
    }
    output.pointee.count = UInt64(count)
    return CRL_OK
  }

private let destroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { _ in }

private let componentName = StaticString("atomic_density")
private let componentDescription = StaticString(
  "Atomic density N/V in atoms per cubic Angstrom (Swift example plugin).")

/// Descriptors live for the life of the library, as the ABI requires.
private let components: UnsafeMutablePointer<crl_component_desc> = {
  let table = UnsafeMutablePointer<crl_component_desc>.allocate(capacity: 1)
  table.initialize(
    to: crl_component_desc(
      struct_size: UInt32(MemoryLayout<crl_component_desc>.size), flags: 0,
      name: cString(componentName), description: cString(componentDescription),
      num_params: 0, params: nil, required_metrics: nil,
      create: create, compute: compute, destroy: destroy))
  return table
}()

private let plugin: UnsafeMutablePointer<crl_plugin_desc> = {
  let descriptor = UnsafeMutablePointer<crl_plugin_desc>.allocate(capacity: 1)
  descriptor.initialize(
    to: crl_plugin_desc(
      struct_size: UInt32(MemoryLayout<crl_plugin_desc>.size),
      abi_version: UInt32(CRL_ABI_VERSION_MAJOR) << 16 | UInt32(CRL_ABI_VERSION_MINOR),
      name: cString("atomic_density_swift"), version: cString("1.0.0"),
      description: cString("Atomic-density reward (Swift example plugin)."),
      num_components: 1, components: UnsafePointer(components)))
  return descriptor
}()

private func cString(_ text: StaticString) -> UnsafePointer<CChar> {
  UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// The plugin's one exported symbol.
@_cdecl("crystalrl_plugin_entry")
public func crystalrlPluginEntry(_ host: UnsafePointer<crl_host_api>?) -> UnsafePointer<
  crl_plugin_desc
>? {
  UnsafePointer(plugin)
}
