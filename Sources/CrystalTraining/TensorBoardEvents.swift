import Foundation

/// TensorBoard's event-file format, written by hand: a sequence of TFRecords (little-endian
/// length, masked CRC32C of the length, the bytes, masked CRC32C of the bytes), each holding an
/// `Event` protobuf; the first carries `file_version` "brain.Event:2", the others one step's
/// scalars as `Summary.Value.simple_value`. Only the few protobuf fields TensorBoard reads for
/// scalars are encoded: Event.wall_time (1, double), step (2, int64), file_version (3,
/// string), summary (5); Summary.value (1); Value.tag (1, string), simple_value (2, float).
///
/// ```swift
/// let data = TensorBoardEvents.file(
///   steps: [.init(step: 1, wallTime: Date().timeIntervalSince1970, scalars: [("reward", 0.5)])])
/// ```
public enum TensorBoardEvents {
  /// One step's scalars.
  public struct Step {
    public let step: Int64
    /// Seconds since 1970.
    public let wallTime: Double
    public let scalars: [(tag: String, value: Float)]

    public init(step: Int64, wallTime: Double, scalars: [(tag: String, value: Float)]) {
      self.step = step
      self.wallTime = wallTime
      self.scalars = scalars
    }
  }

  /// A whole event file: the version record, then one record per step.
  public static func file(steps: [Step], created: Double = Date().timeIntervalSince1970) -> Data {
    var version = Protobuf()
    version.double(field: 1, created)
    version.bytes(field: 3, Data("brain.Event:2".utf8))
    return record(version.data) + records(steps)
  }

  /// One event record per step, to follow a file's version record.
  public static func records(_ steps: [Step]) -> Data {
    var data = Data()
    for step in steps {
      var summary = Protobuf()
      for scalar in step.scalars {
        var value = Protobuf()
        value.bytes(field: 1, Data(scalar.tag.utf8))
        value.float(field: 2, scalar.value)
        summary.bytes(field: 1, value.data)
      }
      var event = Protobuf()
      event.double(field: 1, step.wallTime)
      event.varint(field: 2, UInt64(bitPattern: step.step))
      event.bytes(field: 5, summary.data)
      data += record(event.data)
    }
    return data
  }

  /// `payload` framed as one TFRecord.
  static func record(_ payload: Data) -> Data {
    var length = Data()
    withUnsafeBytes(of: UInt64(payload.count).littleEndian) { length.append(contentsOf: $0) }
    var framed = length
    append(maskedCRC(length), to: &framed)
    framed += payload
    append(maskedCRC(payload), to: &framed)
    return framed
  }

  /// TFRecord's masked CRC32C: the checksum rotated right by 15 bits plus a constant.
  static func maskedCRC(_ data: Data) -> UInt32 {
    let crc = crc32c(data)
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }

  /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).
  static func crc32c(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return ~crc
  }

  private static let crcTable: [UInt32] = (0..<256).map { index in
    var value = UInt32(index)
    for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1 }
    return value
  }

  private static func append(_ value: UInt32, to data: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
  }

  /// The protobuf wire encoding of the field types the events use.
  private struct Protobuf {
    var data = Data()

    mutating func varint(field: Int, _ value: UInt64) {
      key(field, wireType: 0)
      raw(value)
    }

    mutating func double(field: Int, _ value: Double) {
      key(field, wireType: 1)
      withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func float(field: Int, _ value: Float) {
      key(field, wireType: 5)
      withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func bytes(field: Int, _ value: Data) {
      key(field, wireType: 2)
      raw(UInt64(value.count))
      data += value
    }

    private mutating func key(_ field: Int, wireType: UInt64) {
      raw(UInt64(field) << 3 | wireType)
    }

    private mutating func raw(_ value: UInt64) {
      var rest = value
      while rest >= 0x80 {
        data.append(UInt8(rest & 0x7F) | 0x80)
        rest >>= 7
      }
      data.append(UInt8(rest))
    }
  }
}
