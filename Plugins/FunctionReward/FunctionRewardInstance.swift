import CrystalRLABI
import SwiftPluginKit

/// One configured FunctionReward: the foreign function, prepared once, how each of its
/// parameters is filled, and the buffers its calls reuse. Per structure, one call per
/// structure returning the reward; with `batch: true`, one call per batch filling `out` and
/// returning 0 (anything else is an error).
final class FunctionRewardInstance: RewardInstance {
  private let function: ForeignFunction
  private let name: String
  private let bindings: [ArgumentBinding]
  private let isBatch: Bool
  /// One 8-byte slot per parameter, and the pointers to them ffi_call reads.
  private let slots: UnsafeMutableRawPointer
  private let arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  /// Cartesian coordinates, volumes and densities, computed when the signature asks for them.
  private var cartesian: [Double] = []
  private var volumes: [Double] = []
  private var densities: [Double] = []

  /// The instance a component configuration describes.
  convenience init(configJSON: String) throws {
    try self.init(FunctionRewardConfig(json: configJSON))
  }

  init(_ config: FunctionRewardConfig) throws {
    let signature = try FunctionSignature(parsing: config.signature)
    if let written = signature.functionName, written != config.function {
      throw PluginFailure(
        "the signature names function '\(written)' but function is '\(config.function)'")
    }
    if config.batch && !signature.returnType.isInteger {
      throw PluginFailure(
        "a batch function (batch: true) returns a status, int32 or int64 (0 for success); "
          + "its rewards go to 'double *out'")
    }
    bindings = try ArgumentBinding.bind(signature, batch: config.batch, params: config.params)
    function = try ForeignFunction(
      library: config.library, symbol: config.function, returnType: signature.returnType,
      parameters: signature.parameters.map(\.type))
    name = config.function
    isBatch = config.batch
    slots = .allocate(byteCount: 8 * max(bindings.count, 1), alignment: 8)
    arguments = .allocate(capacity: max(bindings.count, 1))
    for index in bindings.indices { arguments[index] = slots + 8 * index }
  }

  deinit {
    slots.deallocate()
    arguments.deallocate()
  }

  /// One reward per structure of `batch`.
  func rewards(_ batch: crl_batch) throws -> [Double] {
    let count = Int(batch.num_structures)
    guard count > 0 else { return [] }
    for index in 0..<count {
      let (start, end) = (batch.atom_offsets[index], batch.atom_offsets[index + 1])
      guard start <= end, end <= batch.num_atoms else {
        throw PluginFailure(
          "structure \(index) has atom offsets \(start)..<\(end) outside the batch")
      }
    }
    if needs([.cartesian, .allCartesian]) { fillCartesian(batch) }
    if needs([.volume, .density, .volumes, .densities]) { fillVolumes(batch) }
    if isBatch { return try batchRewards(batch) }
    return try (0..<count).map { index in
      for (slot, binding) in bindings.enumerated() {
        try binding.store(value(binding.quantity, structure: index, batch), into: slots + 8 * slot)
      }
      return function.call(arguments)
    }
  }

  private func batchRewards(_ batch: crl_batch) throws -> [Double] {
    var rewards = [Double](repeating: .nan, count: Int(batch.num_structures))
    let status = try rewards.withUnsafeMutableBufferPointer { out in
      for (slot, binding) in bindings.enumerated() {
        let value =
          binding.quantity == .output
          ? .pointer(UnsafeRawPointer(out.baseAddress)) : try value(binding.quantity, batch)
        try binding.store(value, into: slots + 8 * slot)
      }
      return function.call(arguments)
    }
    guard status == 0 else {
      throw PluginFailure("\(name) returned \(Int(status)) (non-zero: an error)")
    }
    return rewards
  }

  private func needs(_ quantities: [Quantity]) -> Bool {
    bindings.contains { quantities.contains($0.quantity) }
  }

  /// The value of a per-structure quantity for structure `index`.
  private func value(_ quantity: Quantity, structure index: Int, _ batch: crl_batch) throws
    -> ArgumentBinding.Value
  {
    let start = Int(batch.atom_offsets[index])
    switch quantity {
    case .atomCount: return .integer(Int(batch.atom_offsets[index + 1]) - start)
    case .index: return .integer(index)
    case .lattice: return .pointer(batch.lattices + 9 * index)
    case .atomicNumbers: return .pointer(batch.atomic_numbers.map { $0 + start })
    case .fractional: return .pointer(batch.frac_coords.map { $0 + 3 * start })
    case .cartesian: return .pointer(pointer(cartesian, 3 * start))
    case .volume: return .real(volumes[index])
    case .density: return .real(densities[index])
    case .constant(let number): return .real(number)
    default: return try value(quantity, batch)
    }
  }

  /// The value of a whole-batch quantity.
  private func value(_ quantity: Quantity, _ batch: crl_batch) throws -> ArgumentBinding.Value {
    switch quantity {
    case .structureCount: return .integer(Int(batch.num_structures))
    case .batchAtomCount: return .integer(Int(batch.num_atoms))
    case .atomOffsets: return .pointer(batch.atom_offsets)
    case .lattices: return .pointer(batch.lattices)
    case .allAtomicNumbers: return .pointer(batch.atomic_numbers)
    case .allFractional: return .pointer(batch.frac_coords)
    case .allCartesian: return .pointer(pointer(cartesian, 0))
    case .volumes: return .pointer(pointer(volumes, 0))
    case .densities: return .pointer(pointer(densities, 0))
    case .constant(let number): return .real(number)
    default: throw PluginFailure("internal: \(quantity) is not a batch quantity")
    }
  }

  /// The address of `array[offset]`; the array lives in this instance until the next batch.
  private func pointer(_ array: [Double], _ offset: Int) -> UnsafeRawPointer? {
    array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress.map { $0 + offset }) }
  }

  /// Cartesian coordinates of every atom: fractional coordinates times its lattice's rows.
  private func fillCartesian(_ batch: crl_batch) {
    cartesian = [Double](repeating: 0, count: 3 * Int(batch.num_atoms))
    for structure in 0..<Int(batch.num_structures) {
      let m = batch.lattices + 9 * structure
      for atom in Int(batch.atom_offsets[structure])..<Int(batch.atom_offsets[structure + 1]) {
        let f = batch.frac_coords + 3 * atom
        for axis in 0..<3 {
          cartesian[3 * atom + axis] = f[0] * m[axis] + f[1] * m[3 + axis] + f[2] * m[6 + axis]
        }
      }
    }
  }

  /// Volume |det L| and density (atoms / volume) of every structure.
  private func fillVolumes(_ batch: crl_batch) {
    let count = Int(batch.num_structures)
    volumes = (0..<count).map { structure in
      let m = batch.lattices + 9 * structure
      let det =
        m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
        + m[2] * (m[3] * m[7] - m[4] * m[6])
      return abs(det)
    }
    densities = (0..<count).map { structure in
      Double(batch.atom_offsets[structure + 1] - batch.atom_offsets[structure]) / volumes[structure]
    }
  }
}
