import BinaryCoding
import XCTest

/// Little-endian round trips through ByteWriter and ByteReader, and reads past the end.
final class ByteCodingTests: XCTestCase {
  func testIntegersDoublesAndTextRoundTrip() throws {
    var writer = ByteWriter()
    writer.integer(UInt8(0xab))
    writer.integer(Int16(-2))
    writer.integer(UInt32(0xdead_beef))
    writer.integer(Int64.min)
    writer.integer(UInt64.max)
    for value in [0.1, -0.0, .infinity, .leastNonzeroMagnitude, .pi] { writer.double(value) }
    writer.double(.nan)
    writer.append("Añ".utf8)

    var reader = ByteReader(writer.bytes)
    XCTAssertEqual(try reader.integer(UInt8.self), 0xab)
    XCTAssertEqual(try reader.integer(Int16.self), -2)
    XCTAssertEqual(try reader.integer(UInt32.self), 0xdead_beef)
    XCTAssertEqual(try reader.integer(Int64.self), .min)
    XCTAssertEqual(try reader.integer(UInt64.self), .max)
    for value in [0.1, -0.0, .infinity, .leastNonzeroMagnitude, .pi] {
      XCTAssertEqual(try reader.double().bitPattern, value.bitPattern)
    }
    XCTAssertTrue(try reader.double().isNaN)
    XCTAssertEqual(try reader.string(3), "Añ")
    XCTAssertEqual(reader.remaining, 0)
  }

  func testTheLayoutIsLittleEndian() throws {
    var writer = ByteWriter()
    writer.integer(UInt32(0x0102_0304))
    writer.double(1)
    XCTAssertEqual(writer.bytes, [4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f])
    var reader = ByteReader([0x34, 0x12] as [UInt8])
    XCTAssertEqual(try reader.integer(UInt16.self), 0x1234)
  }

  func testReadsPastTheEndThrowAndConsumeNothing() throws {
    var reader = ByteReader([1, 2, 3, 4, 5] as [UInt8])
    XCTAssertEqual(try reader.integer(UInt16.self), 0x0201)
    XCTAssertThrowsError(try reader.integer(UInt32.self)) { error in
      let end = error as? EndOfData
      XCTAssertEqual(end?.offset, 2)
      XCTAssertEqual(end?.needed, 4)
    }
    XCTAssertEqual(reader.offset, 2, "a failed read leaves the position")
    XCTAssertThrowsError(try reader.bytes(-1)) { XCTAssertEqual(($0 as? EndOfData)?.needed, -1) }
    XCTAssertEqual(Array(try reader.bytes(3)), [3, 4, 5])
    XCTAssertThrowsError(try reader.double()) { error in
      XCTAssertEqual("\(error)", "the data ends inside a 8-byte field at byte 5")
    }
  }

  func testSlicesAreReadFromTheirOwnStart() throws {
    let bytes: [UInt8] = [9, 9, 7, 0, 0, 0]
    var reader = ByteReader(bytes[2...])
    XCTAssertEqual(try reader.integer(UInt32.self), 7)
    XCTAssertThrowsError(try reader.integer(UInt8.self)) { error in
      XCTAssertEqual((error as? EndOfData)?.offset, 4, "offsets count from the slice's start")
    }
  }
}
