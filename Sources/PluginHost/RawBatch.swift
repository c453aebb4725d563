import RewardPipeline

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
