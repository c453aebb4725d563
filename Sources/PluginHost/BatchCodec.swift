import Foundation
import RewardPipeline

/// Flattens a batch (and its metric columns) into one byte buffer and back, so a plugin can
/// score it in a separate worker process. Layout, little-endian: UInt64 structures, atoms,
/// metrics; offsets (UInt64 × structures+1); atomic numbers (Int32 × atoms); fractional
/// coordinates (Float64 × 3·atoms); lattices (Float64 × 9·structures); then per metric:
/// UInt64 name length, name bytes, UInt64 width, Float64 × structures·width.
enum BatchCodec {
  static func encode(_ batch: StructureBatch, metrics: [MetricColumn]) -> Data {
    var data = Data()
    for value in [UInt64(batch.count), UInt64(batch.atomCount), UInt64(metrics.count)] {
      data.appendRaw(value.littleEndian)
    }
    batch.atomOffsets.forEach { data.appendRaw($0.littleEndian) }
    batch.atomicNumbers.forEach { data.appendRaw($0.littleEndian) }
    batch.fractionalCoordinates.forEach { data.appendRaw($0.bitPattern.littleEndian) }
    batch.lattices.forEach { data.appendRaw($0.bitPattern.littleEndian) }
    for metric in metrics {
      let name = Array(metric.name.utf8)
      data.appendRaw(UInt64(name.count).littleEndian)
      data.append(contentsOf: name)
      data.appendRaw(UInt64(metric.width).littleEndian)
      metric.values.forEach { data.appendRaw($0.bitPattern.littleEndian) }
    }
    return data
  }

  /// The decoded arrays, ready to be pointed at by a crl_batch.
  struct Decoded {
    var offsets: [UInt64]
    var numbers: [Int32]
    var coordinates: [Double]
    var lattices: [Double]
    var metrics: [MetricColumn]
  }

  static func decode(_ data: Data) throws -> Decoded {
    var reader = DataReader(data: data)
    let structures = Int(try reader.read(UInt64.self))
    let atoms = Int(try reader.read(UInt64.self))
    let metricCount = Int(try reader.read(UInt64.self))
    let offsets = try (0...structures).map { _ in try reader.read(UInt64.self) }
    let numbers = try (0..<atoms).map { _ in try reader.read(Int32.self) }
    let coordinates = try (0..<3 * atoms).map { _ in try reader.double() }
    let lattices = try (0..<9 * structures).map { _ in try reader.double() }
    let metrics = try (0..<metricCount).map { _ -> MetricColumn in
      let nameLength = Int(try reader.read(UInt64.self))
      let name = String(decoding: try reader.bytes(nameLength), as: UTF8.self)
      let width = Int(try reader.read(UInt64.self))
      let values = try (0..<structures * width).map { _ in try reader.double() }
      return MetricColumn(name: name, width: width, values: values)
    }
    return Decoded(
      offsets: offsets, numbers: numbers, coordinates: coordinates, lattices: lattices,
      metrics: metrics)
  }
}

/// Sequential little-endian reads from Data; throws when the data ends early.
struct DataReader {
  let data: Data
  var offset = 0

  mutating func bytes(_ count: Int) throws -> Data {
    guard count >= 0, offset + count <= data.count else {
      throw PluginError.computeFailed(component: "worker", message: "truncated batch message")
    }
    defer { offset += count }
    return data.subdata(in: data.startIndex + offset..<data.startIndex + offset + count)
  }

  mutating func read<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
    let raw = try bytes(MemoryLayout<T>.size)
    return T(littleEndian: raw.withUnsafeBytes { $0.loadUnaligned(as: T.self) })
  }

  mutating func double() throws -> Double { Double(bitPattern: try read(UInt64.self)) }
}

extension Data {
  mutating func appendRaw<T>(_ value: T) {
    Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
  }
}
