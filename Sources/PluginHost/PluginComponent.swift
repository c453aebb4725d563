import CrystalRLABI
import RewardPipeline

/// A plugin component as a `RewardComponent`: one plugin instance, created from its JSON
/// config, fed batches without copies, destroyed when this object goes away.
public final class PluginComponent: RewardComponent {
  public let info: PluginComponentInfo
  public var name: String { info.name }
  public var requiredMetrics: [String] { info.requiredMetrics }

  private let library: PluginLibrary
  private let desc: UnsafePointer<crl_component_desc>
  private let instance: UnsafeMutableRawPointer?
  private static let errorCapacity = 1024

  /// Creates an instance of component `name` of `library` with `configJSON` (a JSON object of
  /// the component's own parameters).
  public init(library: PluginLibrary, name: String, configJSON: String = "{}") throws {
    info = try library.component(named: name)
    let index = library.info.components.firstIndex { $0.name == name }!
    let desc = library.rawComponent(index)
    var created: UnsafeMutableRawPointer?
    try PluginComponent.call(component: name, failure: PluginError.createFailed) { error in
      desc.pointee.create(
        library.services.api, configJSON, &created, error, PluginComponent.errorCapacity)
    }
    self.library = library
    self.desc = desc
    instance = created
  }

  deinit { desc.pointee.destroy(instance) }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    let result = try rawCompute(
      offsets: batch.atomOffsets, numbers: batch.atomicNumbers,
      coordinates: batch.fractionalCoordinates, lattices: batch.lattices,
      metrics: requiredMetrics.map { metrics[$0]! })
    try info.validate(result.rewards, count: result.count, expected: batch.count)
    return result.rewards
  }

  /// Scores a decoded batch as the worker process receives it, leaving validation to the host.
  func rawCompute(_ batch: BatchCodec.Decoded) throws -> (rewards: [Double], count: Int) {
    try rawCompute(
      offsets: batch.offsets, numbers: batch.numbers, coordinates: batch.coordinates,
      lattices: batch.lattices, metrics: batch.metrics)
  }

  /// Calls the plugin on a batch given as flat arrays; returns the output buffer and the count
  /// the plugin reported, unchecked.
  private func rawCompute(
    offsets: [UInt64], numbers: [Int32], coordinates: [Double], lattices: [Double],
    metrics: [MetricColumn]
  ) throws -> (rewards: [Double], count: Int) {
    let structureCount = offsets.count - 1
    var rewards = [Double](repeating: .nan, count: structureCount)
    var count: UInt64 = 0
    try withMetricPointers(metrics) { metricPointers in
      try offsets.withUnsafeBufferPointer { offsets in
        try numbers.withUnsafeBufferPointer { numbers in
          try coordinates.withUnsafeBufferPointer { coordinates in
            try lattices.withUnsafeBufferPointer { lattices in
              try rewards.withUnsafeMutableBufferPointer { output in
                try metricPointers.withUnsafeBufferPointer { metricList in
                  var cBatch = crl_batch(
                    struct_size: UInt32(MemoryLayout<crl_batch>.size), reserved: 0,
                    num_structures: UInt64(structureCount), num_atoms: UInt64(numbers.count),
                    atom_offsets: offsets.baseAddress, atomic_numbers: numbers.baseAddress,
                    frac_coords: coordinates.baseAddress, lattices: lattices.baseAddress,
                    num_metrics: UInt64(metricList.count), metrics: metricList.baseAddress)
                  var cOutput = crl_output(
                    struct_size: UInt32(MemoryLayout<crl_output>.size), reserved: 0,
                    rewards: output.baseAddress, capacity: UInt64(output.count), count: 0)
                  try PluginComponent.call(component: name, failure: PluginError.computeFailed) {
                    error in
                    desc.pointee.compute(
                      instance, &cBatch, &cOutput, error, PluginComponent.errorCapacity)
                  }
                  count = cOutput.count
                }
              }
            }
          }
        }
      }
    }
    return (rewards, Int(min(count, UInt64(Int.max))))
  }

  /// Calls into the plugin with a fresh error buffer; a non-OK status throws `failure` with
  /// the plugin's own message.
  private static func call(
    component: String, failure: (String, String) -> PluginError,
    _ body: (UnsafeMutablePointer<CChar>) -> crl_status
  ) throws {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: errorCapacity)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 0, count: errorCapacity)
    let status = body(buffer)
    buffer[errorCapacity - 1] = 0
    let message = String(cString: buffer)
    guard status == CRL_OK else {
      let statusName =
        [1: "CRL_ERROR", 2: "CRL_INVALID_ARGUMENT", 3: "CRL_OUT_OF_MEMORY"][
          Int(status.rawValue)] ?? "status \(status.rawValue)"
      throw failure(
        component, message.isEmpty ? "\(statusName) (no message)" : "\(statusName): \(message)")
    }
  }
}

/// Builds `crl_metric` structs pointing straight at the columns' storage (no copies), valid
/// for the duration of `body`.
private func withMetricPointers<R>(
  _ columns: [MetricColumn], _ body: ([UnsafePointer<crl_metric>?]) throws -> R
) throws -> R {
  let storage = UnsafeMutablePointer<crl_metric>.allocate(capacity: max(columns.count, 1))
  defer { storage.deallocate() }
  func bind(_ index: Int) throws -> R {
    guard index < columns.count else {
      return try body((0..<columns.count).map { UnsafePointer(storage + $0) })
    }
    let column = columns[index]
    return try column.name.withCString { name in
      try column.values.withUnsafeBufferPointer { values in
        (storage + index).initialize(
          to: crl_metric(
            struct_size: UInt32(MemoryLayout<crl_metric>.size), reserved: 0, name: name,
            width: UInt64(column.width), values: values.baseAddress))
        return try bind(index + 1)
      }
    }
  }
  return try bind(0)
}
