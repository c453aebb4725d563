import CrystalCore
import Foundation
import ReferenceData
import TestSupport
import XCTest

final class ReferenceSetTests: XCTestCase {
  func testArchiveCacheRoundTripsAndTracksTheSource() throws {
    let cache = try SharedData.temporaryDirectory()
    let source = SharedData.url("perov_5/val.csv")
    let first = try ReferenceSet.load(source, cacheDirectory: cache)
    let start = Date()
    let second = try ReferenceSet.load(source, cacheDirectory: cache)
    let cachedSeconds = Date().timeIntervalSince(start)
    XCTAssertEqual(first.structures, second.structures)
    XCTAssertEqual(second.structures.count, 3787)
    XCTAssertEqual(second.sameFormula(as: first.structures[0]).first, 0)
    print(
      "reference set of \(second.structures.count) structures loaded from cache in \(cachedSeconds) s"
    )
    // A different source file gets its own archive; a corrupt archive is rebuilt.
    let archives = try FileManager.default.contentsOfDirectory(atPath: cache.path)
    XCTAssertEqual(archives.count, 1)
    try Data("garbage".utf8).write(to: cache.appendingPathComponent(archives[0]))
    XCTAssertEqual(try ReferenceSet.load(source, cacheDirectory: cache).structures.count, 3787)
  }

  func testTruncatedArchiveIsAnError() throws {
    let directory = try SharedData.temporaryDirectory()
    let url = directory.appendingPathComponent("a.crlarch")
    let structures = try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 3).map(
      \.structure)
    try StructureArchive.write(structures, sourceKey: 9, to: url)
    let data = try Data(contentsOf: url)
    try data.prefix(data.count - 10).write(to: url)
    assertParseError(at: url.path, containing: "archive truncated") {
      _ = try StructureArchive.read(from: url, expectedKey: 9)
    }
    XCTAssertNil(try StructureArchive.read(from: url, expectedKey: 10))
  }

  func testValueCache() throws {
    let cache = ValueCache(directory: try SharedData.temporaryDirectory())
    try cache.write("e", key: 5, values: [1.5, .nan, -2])
    let read = try XCTUnwrap(cache.read("e", key: 5))
    XCTAssertEqual(read[0], 1.5)
    XCTAssertTrue(read[1].isNaN)
    XCTAssertNil(cache.read("e", key: 6))
    XCTAssertNil(cache.read("missing", key: 5))
    // Little-endian key then Float64 values; the write leaves no temporary file behind.
    let file = cache.directory.appendingPathComponent("e")
    XCTAssertEqual(
      Array(try Data(contentsOf: file).prefix(16)),
      [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 248, 63])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.directory.path), ["e"])
    // A torn file counts as missing.
    try Data(try Data(contentsOf: file).prefix(20)).write(to: file)
    XCTAssertNil(cache.read("e", key: 5))
  }
}
