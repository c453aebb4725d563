import CrystalRLABI
import Glibc
import RewardPipeline

/// One instance of a plugin's component or provider, created in this process: created from
/// its JSON config, fed batches without copies, destroyed when this object goes away. Every
/// result is validated against the descriptor (count, infinities, NaN).
final class PluginInstance: PluginRunner {
  let info: any PluginComputationInfo
  /// Keeps the library's host services alive as long as the instance.
  private let library: PluginLibrary
  private let entry: PluginEntryPoints
  private let instance: UnsafeMutableRawPointer?
  private static let errorCapacity = 1024
  /// Slots after the output buffer that must still hold `guardPattern` after compute.
  private static let guardSlots = 64
  private static let guardPattern = Double(bitPattern: 0x7FF4_C0DE_DEAD_BEEF)

  /// Creates an instance of `subject` of `library` with `configJSON` (a JSON object of its own
  /// parameters).
  init(library: PluginLibrary, subject: PluginSubject, configJSON: String) throws {
    info = try library.info.computation(subject)
    let entry = try library.entryPoints(of: subject)
    var created: UnsafeMutableRawPointer?
    try library.creatingInstance {
      try Self.call(subject: subject, failure: PluginError.createFailed) { error in
        entry.create(library.services.api, configJSON, &created, error, Self.errorCapacity)
      }
    }
    self.library = library
    self.entry = entry
    instance = created
  }

  deinit {
    let (destroy, instance) = (entry.destroy, instance)
    StandardOutputGuard.run { destroy(instance) }
  }

  func run(_ batch: StructureBatch, metrics: [MetricColumn]) throws -> [Double] {
    let result = try batch.withRawBatch(metrics: metrics) { try compute($0) }
    try info.validate(result.values, count: result.count, structures: batch.count)
    return result.values
  }

  /// Calls the plugin on a batch given as flat arrays; returns the `width` values per structure
  /// and the count the plugin reported, unchecked (the caller validates). Writing past the
  /// output buffer is caught by guard slots behind it (a long overrun may still corrupt this
  /// process: only an isolated instance contains it).
  func compute(_ batch: RawBatch) throws -> (values: [Double], count: Int) {
    let capacity = batch.structures * info.width
    let names = batch.metrics.map { strdup($0.name) }
    defer { names.forEach { free($0) } }
    var metrics = zip(batch.metrics, names).map { metric, name in
      crl_metric(
        struct_size: UInt32(MemoryLayout<crl_metric>.size), reserved: 0, name: name,
        width: UInt64(metric.width), values: metric.values)
    }
    var buffer = [Double](repeating: Self.guardPattern, count: capacity + Self.guardSlots)
    for index in 0..<capacity { buffer[index] = .nan }
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
            rewards: output.baseAddress, capacity: UInt64(capacity), count: 0)
          let (compute, instance) = (entry.compute, instance)
          try Self.call(subject: info.subject, failure: PluginError.computeFailed) { error in
            compute(instance, &cBatch, &cOutput, error, Self.errorCapacity)
          }
          count = cOutput.count
        }
      }
    }
    let guardSlots = buffer[capacity...]
    guard guardSlots.allSatisfy({ $0.bitPattern == Self.guardPattern.bitPattern }) else {
      throw PluginError.outputOverrun(subject: info.subject, capacity: capacity)
    }
    return (Array(buffer[..<capacity]), Int(min(count, UInt64(Int.max))))
  }

  /// Calls into the plugin with a fresh error buffer; a non-OK status throws `failure` with
  /// the plugin's own message (cut at the buffer's end when the plugin left it unterminated).
  private static func call(
    subject: PluginSubject, failure: (PluginSubject, String) -> PluginError,
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
        subject,
        message.isEmpty ? "\(statusName) \(PluginError.noMessage)" : "\(statusName): \(message)")
    }
  }
}
