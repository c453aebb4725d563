import CrystalRLABI
import Glibc
import RewardPipeline

/// A plugin component as a `RewardComponent`: one plugin instance, created from its JSON
/// config, fed batches without copies, destroyed when this object goes away.
public final class PluginComponent: RewardComponent {
  public let info: PluginComponentInfo
  public var name: String { info.name }
  public var requiredMetrics: [String] { info.requiredMetrics }
  public var outputMayBeNaN: Bool { info.outputMayBeNaN }

  private let library: PluginLibrary
  private let desc: UnsafePointer<crl_component_desc>
  private let instance: UnsafeMutableRawPointer?
  private static let errorCapacity = 1024
  /// What stands for the message of a plugin that failed without writing one.
  static let noMessage = "(no message)"
  /// Slots after the output buffer that must still hold `guardPattern` after compute.
  private static let guardSlots = 64
  private static let guardPattern = Double(bitPattern: 0x7FF4_C0DE_DEAD_BEEF)

  /// Creates an instance of component `name` of `library` with `configJSON` (a JSON object of
  /// the component's own parameters).
  public init(library: PluginLibrary, name: String, configJSON: String = "{}") throws {
    info = try library.component(named: name)
    let desc = try library.rawComponent(named: name)
    var created: UnsafeMutableRawPointer?
    try PluginComponent.call(component: name, failure: PluginError.createFailed) { error in
      desc.pointee.create(
        library.services.api, configJSON, &created, error, PluginComponent.errorCapacity)
    }
    self.library = library
    self.desc = desc
    instance = created
  }

  deinit {
    let (desc, instance) = (desc, instance)
    StandardOutputGuard.run { desc.pointee.destroy(instance) }
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    let result = try batch.withRawBatch(metrics: requiredMetrics.map { metrics[$0]! }) {
      try rawCompute($0)
    }
    try info.validate(result.rewards, count: result.count, expected: batch.count)
    return result.rewards
  }

  /// Calls the plugin on a batch given as flat arrays; returns the rewards and the count the
  /// plugin reported, unchecked (the caller validates). Writing past the output buffer is
  /// caught by guard slots behind it (a long overrun may still corrupt this process: only an
  /// isolated component contains it).
  func rawCompute(_ batch: RawBatch) throws -> (rewards: [Double], count: Int) {
    let names = batch.metrics.map { strdup($0.name) }
    defer { names.forEach { free($0) } }
    var metrics = zip(batch.metrics, names).map { metric, name in
      crl_metric(
        struct_size: UInt32(MemoryLayout<crl_metric>.size), reserved: 0, name: name,
        width: UInt64(metric.width), values: metric.values)
    }
    var buffer = [Double](
      repeating: Self.guardPattern, count: batch.structures + Self.guardSlots)
    for index in 0..<batch.structures { buffer[index] = .nan }
    var count: UInt64 = 0
    try metrics.withUnsafeMutableBufferPointer { metrics in
      var pointers: [UnsafePointer<crl_metric>?] = (0..<metrics.count).map {
        UnsafePointer(metrics.baseAddress! + $0)
      }
      try pointers.withUnsafeMutableBufferPointer { metricList in
        try buffer.withUnsafeMutableBufferPointer { output in
          var cBatch = crl_batch(
            struct_size: UInt32(MemoryLayout<crl_batch>.size), reserved: 0,
            num_structures: UInt64(batch.structures), num_atoms: UInt64(batch.atoms),
            atom_offsets: batch.offsets, atomic_numbers: batch.numbers,
            frac_coords: batch.coordinates, lattices: batch.lattices,
            num_metrics: UInt64(metricList.count),
            metrics: UnsafePointer(metricList.baseAddress))
          var cOutput = crl_output(
            struct_size: UInt32(MemoryLayout<crl_output>.size), reserved: 0,
            rewards: output.baseAddress, capacity: UInt64(batch.structures), count: 0)
          let (desc, instance) = (desc, instance)
          try PluginComponent.call(component: name, failure: PluginError.computeFailed) {
            error in
            desc.pointee.compute(instance, &cBatch, &cOutput, error, PluginComponent.errorCapacity)
          }
          count = cOutput.count
        }
      }
    }
    let guardSlots = buffer[batch.structures...]
    guard guardSlots.allSatisfy({ $0.bitPattern == Self.guardPattern.bitPattern }) else {
      throw PluginError.outputOverrun(component: name, capacity: batch.structures)
    }
    return (Array(buffer[..<batch.structures]), Int(min(count, UInt64(Int.max))))
  }

  /// Calls into the plugin with a fresh error buffer; a non-OK status throws `failure` with
  /// the plugin's own message (cut at the buffer's end when the plugin left it unterminated).
  private static func call(
    component: String, failure: (String, String) -> PluginError,
    _ body: (UnsafeMutablePointer<CChar>) -> crl_status
  ) throws {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: errorCapacity)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 0, count: errorCapacity)
    let status = StandardOutputGuard.run { body(buffer) }
    buffer[errorCapacity - 1] = 0
    let message = String(cString: buffer)
    guard status == CRL_OK else {
      let statusName =
        [1: "CRL_ERROR", 2: "CRL_INVALID_ARGUMENT", 3: "CRL_OUT_OF_MEMORY"][
          Int(status.rawValue)] ?? "status \(status.rawValue)"
      throw failure(
        component, message.isEmpty ? "\(statusName) \(noMessage)" : "\(statusName): \(message)")
    }
  }
}

/// A batch as flat arrays behind pointers, the form `crl_batch` points at: the host's own arrays
/// in-process, the shared mapping in a worker process.
struct RawBatch {
  /// One metric column: `width` values per structure.
  struct Metric {
    let name: String
    let width: Int
    let values: UnsafePointer<Double>?
  }

  let structures: Int
  let atoms: Int
  let offsets: UnsafePointer<UInt64>?
  let numbers: UnsafePointer<Int32>?
  let coordinates: UnsafePointer<Double>?
  let lattices: UnsafePointer<Double>?
  let metrics: [Metric]
}

extension StructureBatch {
  /// Runs `body` with a `RawBatch` pointing straight at this batch's and `metrics`' storage.
  func withRawBatch<R>(metrics: [MetricColumn], _ body: (RawBatch) throws -> R) throws -> R {
    func bind(_ index: Int, _ bound: [RawBatch.Metric]) throws -> R {
      guard index < metrics.count else {
        return try atomOffsets.withUnsafeBufferPointer { offsets in
          try atomicNumbers.withUnsafeBufferPointer { numbers in
            try fractionalCoordinates.withUnsafeBufferPointer { coordinates in
              try lattices.withUnsafeBufferPointer { lattices in
                try body(
                  RawBatch(
                    structures: count, atoms: atomCount, offsets: offsets.baseAddress,
                    numbers: numbers.baseAddress, coordinates: coordinates.baseAddress,
                    lattices: lattices.baseAddress, metrics: bound))
              }
            }
          }
        }
      }
      let column = metrics[index]
      return try column.values.withUnsafeBufferPointer { values in
        try bind(
          index + 1,
          bound + [.init(name: column.name, width: column.width, values: values.baseAddress)])
      }
    }
    return try bind(0, [])
  }
}
