import BinaryCoding
import CrystalCore
import DurableFiles
import Foundation
import LocalCache

/// A compact binary file of structures (and optional per-structure values such as energies),
/// used to cache parsed reference datasets: loading 45k structures from it takes a fraction
/// of a second where parsing their CIFs takes many.
///
/// Layout (little-endian): magic "CRLARCH1", UInt64 source key, UInt64 structure count,
/// UInt64 value width; then per structure: UInt32 id length, id bytes (UTF-8), UInt32 atom
/// count, 9 Float64 lattice entries, atom count × UInt8 atomic numbers, atom count × 3
/// Float64 fractional coordinates, value-width × Float64 values.
public enum StructureArchive {
  static let magic = Array("CRLARCH1".utf8)

  /// Writes `structures` with their `values` (each of `valueWidth` numbers) atomically.
  public static func write(
    _ structures: [Structure], values: [[Double]] = [], valueWidth: Int = 0, sourceKey: UInt64,
    to url: URL
  ) throws {
    precondition(values.isEmpty || values.count == structures.count)
    var writer = ByteWriter()
    writer.append(magic)
    writer.integer(sourceKey)
    writer.integer(UInt64(structures.count))
    writer.integer(UInt64(valueWidth))
    for (index, structure) in structures.enumerated() {
      let id = Array(structure.id.utf8)
      writer.integer(UInt32(id.count))
      writer.append(id)
      writer.integer(UInt32(structure.count))
      for entry in structure.lattice.matrix.flat { writer.double(entry) }
      writer.append(structure.sites.map { UInt8($0.element.z) })
      for site in structure.sites {
        for coordinate in [site.fractional.x, site.fractional.y, site.fractional.z] {
          writer.double(coordinate)
        }
      }
      let row = values.isEmpty ? Array(repeating: Double.nan, count: valueWidth) : values[index]
      precondition(row.count == valueWidth, "each value row needs \(valueWidth) numbers")
      for value in row { writer.double(value) }
    }
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try DurableFile.write(Data(writer.bytes), to: url)
  }

  /// Reads an archive; returns nil when the file is missing, not an archive, or was made from
  /// a different source (its key differs), so the caller rebuilds it.
  public static func read(from url: URL, expectedKey: UInt64) throws -> (
    structures: [Structure], values: [[Double]]
  )? {
    guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else { return nil }
    return try data.withUnsafeBytes { buffer in
      var reader = ByteReader(buffer)
      guard buffer.count >= magic.count, Array(buffer.prefix(magic.count)) == magic else {
        return nil
      }
      reader.offset = magic.count
      do {
        guard try reader.integer(UInt64.self) == expectedKey else { return nil }
        return try contents(&reader, source: url.path)
      } catch let error as EndOfData {
        throw CrystalError.parse(location: url.path, message: "archive truncated: \(error)")
      }
    }
  }

  /// The structures and values after an archive's header.
  private static func contents(
    _ reader: inout ByteReader<UnsafeRawBufferPointer>, source: String
  ) throws -> (structures: [Structure], values: [[Double]]) {
    let count = Int(truncatingIfNeeded: try reader.integer(UInt64.self))
    let width = Int(truncatingIfNeeded: try reader.integer(UInt64.self))
    // Each structure takes at least 80 bytes (id and atom counts, lattice).
    guard count >= 0, width >= 0, width <= reader.remaining / 8, count <= reader.remaining / 80
    else {
      throw CrystalError.parse(location: source, message: "corrupt archive: \(count) structures")
    }
    var structures: [Structure] = []
    var values: [[Double]] = []
    structures.reserveCapacity(count)
    for _ in 0..<count {
      let id = try reader.string(Int(try reader.integer(UInt32.self)))
      let atoms = Int(try reader.integer(UInt32.self))
      let flat = try (0..<9).map { _ in try reader.double() }
      let lattice = try Lattice(
        matrix: Matrix3(
          Vector3(flat[0], flat[1], flat[2]), Vector3(flat[3], flat[4], flat[5]),
          Vector3(flat[6], flat[7], flat[8])))
      let numbers = try (0..<atoms).map { _ in try reader.integer(UInt8.self) }
      let sites = try numbers.map { z -> Site in
        guard let element = Element(z: Int(z)) else {
          throw CrystalError.parse(location: source, message: "corrupt archive: Z = \(z)")
        }
        let position = Vector3(try reader.double(), try reader.double(), try reader.double())
        return Site(element: element, fractional: position)
      }
      structures.append(try Structure(lattice: lattice, sites: sites, id: id))
      if width > 0 { values.append(try (0..<width).map { _ in try reader.double() }) }
    }
    return (structures, values)
  }
}

/// A 64-bit FNV-1a hash of a file's bytes: the cache key tying an archive to its source.
public func sourceKey(of url: URL) throws -> UInt64 {
  try Data(contentsOf: url, options: .alwaysMapped).withUnsafeBytes { stableKey(bytes: $0) }
}
