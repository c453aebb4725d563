/// Sequential little-endian reads from any random-access collection of bytes (an array slice,
/// a memory-mapped file's buffer); a read past the end throws `EndOfData`.
///
/// ```swift
/// var reader = ByteReader(payload)
/// let count = try reader.integer(UInt64.self)
/// let value = try reader.double()
/// ```
public struct ByteReader<Bytes: RandomAccessCollection>
where Bytes.Element == UInt8, Bytes.Index == Int {
  public let bytes: Bytes
  /// Index of the next byte to read.
  public var offset: Int

  @inlinable
  public init(_ bytes: Bytes) {
    self.bytes = bytes
    offset = bytes.startIndex
  }

  /// Bytes not yet read.
  @inlinable
  public var remaining: Int { bytes.endIndex - offset }

  @inlinable
  public mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
    let size = MemoryLayout<T>.size
    let start = try advance(size)
    var value = T.zero
    for index in 0..<size { value |= T(truncatingIfNeeded: bytes[start + index]) << (8 * index) }
    return value
  }

  @inlinable
  public mutating func double() throws -> Double { Double(bitPattern: try integer(UInt64.self)) }

  /// The next `count` bytes.
  @inlinable
  public mutating func bytes(_ count: Int) throws -> Bytes.SubSequence {
    let start = try advance(count)
    return bytes[start..<start + count]
  }

  /// The next `count` bytes as UTF-8 text.
  @inlinable
  public mutating func string(_ count: Int) throws -> String {
    String(decoding: try bytes(count), as: UTF8.self)
  }

  @inlinable
  mutating func advance(_ count: Int) throws -> Int {
    guard count >= 0, count <= remaining else {
      throw EndOfData(offset: offset - bytes.startIndex, needed: count)
    }
    defer { offset += count }
    return offset
  }
}

/// A read past the end of the data.
public struct EndOfData: Error, CustomStringConvertible {
  /// Where the read started, from the beginning of the data, and how many bytes it needed.
  public let offset: Int
  public let needed: Int

  @inlinable
  public init(offset: Int, needed: Int) {
    self.offset = offset
    self.needed = needed
  }

  public var description: String {
    "the data ends inside a \(needed)-byte field at byte \(offset)"
  }
}

/// Little-endian writes into a growing byte array.
///
/// ```swift
/// var writer = ByteWriter()
/// writer.integer(UInt64(3))
/// writer.double(0.5)
/// ```
public struct ByteWriter {
  public private(set) var bytes: [UInt8] = []

  public init() {}

  @inlinable
  public mutating func integer<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { append($0) }
  }

  @inlinable
  public mutating func double(_ value: Double) { integer(value.bitPattern) }

  public mutating func append<S: Sequence>(_ more: S) where S.Element == UInt8 {
    bytes.append(contentsOf: more)
  }
}
