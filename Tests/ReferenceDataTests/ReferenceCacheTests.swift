import CrystalCore
import Foundation
import ReferenceData
import TestSupport
import XCTest

/// The reference-set cache on a small hand-written dataset (no shared data needed): the first
/// load writes an archive keyed by the file's content, later loads read it, and a changed file
/// gets a new archive.
final class ReferenceCacheTests: XCTestCase {
  static func cif(_ element: String, edge: Double) -> String {
    "data_\(element)\n_cell_length_a \(edge)\n_cell_length_b \(edge)\n_cell_length_c \(edge)\n"
      + "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\nloop_\n"
      + "_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
      + "\(element) 0 0 0\n\(element) 0.5 0.5 0.5\n"
  }

  static func dataset(_ rows: [(id: String, element: String, edge: Double)]) -> String {
    "material_id,cif\n" + rows.map { "\($0.id),\"\(cif($0.element, edge: $0.edge))\"\n" }.joined()
  }

  func testLoadWritesThenReadsTheArchiveKeyedByContent() throws {
    let directory = try SharedData.temporaryDirectory()
    let cache = directory.appendingPathComponent("cache")
    let csv = directory.appendingPathComponent("refs.csv")
    try Self.dataset([("mp-13", "Fe", 2.87), ("mp-90", "Cr", 2.91), ("mp-14", "Fe", 2.9)])
      .write(to: csv, atomically: true, encoding: .utf8)

    let first = try ReferenceSet.load(csv, cacheDirectory: cache)
    XCTAssertEqual(first.structures.map(\.id), ["mp-13", "mp-90", "mp-14"])
    XCTAssertEqual(first.sourceKey, try sourceKey(of: csv))
    XCTAssertEqual(first.indicesByFormula, ["Fe": [0, 2], "Cr": [1]])
    let archive = cache.appendingPathComponent("refs-\(String(first.sourceKey, radix: 16)).crlarch")
    let cached = try XCTUnwrap(StructureArchive.read(from: archive, expectedKey: first.sourceKey))
    XCTAssertEqual(cached.structures, first.structures)

    // The second load reads the archive, not the CSV: an archive with other contents under the
    // same key is what it returns.
    try StructureArchive.write(
      Array(first.structures.prefix(1)), sourceKey: first.sourceKey, to: archive)
    XCTAssertEqual(
      try ReferenceSet.load(csv, cacheDirectory: cache).structures, [first.structures[0]])

    // A changed file has a new key, so it is parsed again into an archive of its own.
    try Self.dataset([("mp-13", "Fe", 2.87)]).write(to: csv, atomically: true, encoding: .utf8)
    let changed = try ReferenceSet.load(csv, cacheDirectory: cache)
    XCTAssertNotEqual(changed.sourceKey, first.sourceKey)
    XCTAssertEqual(changed.structures.map(\.id), ["mp-13"])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.path).count, 2)
  }

  func testArchiveRoundTripsStructuresAndValuesExactly() throws {
    let url = try SharedData.temporaryDirectory().appendingPathComponent("a.crlarch")
    let structures = try [
      Structure(
        lattice: try Lattice(a: 3.1, b: 4.2, c: 5.3, alpha: 80, beta: 95, gamma: 101),
        elements: [Element(symbol: "Na")!, Element(symbol: "Lr")!],
        fractional: [Vector3(0.1, 0.2, 0.3), Vector3(1.0 / 3, 0.5, 0.999)], id: "ñ-1"),
      Structure(
        lattice: try Lattice.cubic(4), elements: [Element(symbol: "H")!], fractional: [.zero],
        id: ""),
    ]
    try StructureArchive.write(
      structures, values: [[1.5, -0.25], [.infinity, 0]], valueWidth: 2, sourceKey: 77, to: url)
    let read = try XCTUnwrap(StructureArchive.read(from: url, expectedKey: 77))
    XCTAssertEqual(read.structures, structures)
    XCTAssertEqual(read.structures.map(\.id), ["ñ-1", ""])
    XCTAssertEqual(read.values, [[1.5, -0.25], [.infinity, 0]])
    XCTAssertNil(try StructureArchive.read(from: url, expectedKey: 78), "another source's key")
    XCTAssertNil(
      try StructureArchive.read(from: url.appendingPathExtension("missing"), expectedKey: 77))
  }

  func testEveryTruncationOfAnArchiveIsAnErrorOrAMiss() throws {
    let url = try SharedData.temporaryDirectory().appendingPathComponent("a.crlarch")
    let structure = try Structure(
      lattice: try Lattice.cubic(4), elements: [Element(symbol: "Fe")!], fractional: [.zero],
      id: "fe")
    try StructureArchive.write([structure], values: [[2]], valueWidth: 1, sourceKey: 5, to: url)
    let whole = try Data(contentsOf: url)
    // Cut anywhere: inside the magic number it is not an archive (a miss, rebuilt by the
    // caller); after it, a parse error naming the file.
    for length in 0..<whole.count {
      try whole.prefix(length).write(to: url)
      if length < 8 {
        XCTAssertNil(try StructureArchive.read(from: url, expectedKey: 5), "\(length) bytes")
      } else {
        XCTAssertThrowsError(
          try StructureArchive.read(from: url, expectedKey: 5), "\(length) bytes"
        ) { error in
          guard case .parse(let location, _) = error as? CrystalError else {
            return XCTFail("\(error)")
          }
          XCTAssertEqual(location, url.path)
        }
      }
    }
  }

  func testSourceKeyIsFNV1aOfTheBytes() throws {
    let url = try SharedData.temporaryDirectory().appendingPathComponent("f")
    try Data().write(to: url)
    XCTAssertEqual(try sourceKey(of: url), 0xcbf2_9ce4_8422_2325)
    // Python: h = 0xcbf29ce484222325; for b in b"a": h = ((h ^ b) * 0x100000001b3) % 2**64
    try Data("a".utf8).write(to: url)
    XCTAssertEqual(try sourceKey(of: url), 0xaf63_dc4c_8601_ec8c)
  }
}
