import Foundation
import Parallelism

/// One row of a CDVAE-layout dataset: its structure, id and every other column as text.
public struct DatasetRecord: Sendable {
  /// Position among the data rows (0-based).
  public let index: Int
  /// The `material_id` column where present, else the row index.
  public let id: String
  public let structure: Structure
  /// Every column but `cif`, by header name.
  public let columns: [String: String]
}

/// Reads CSV files in the layout the crystal-generation field uses for MP-20, Perov-5,
/// Carbon-24 and MPTS-52: a header row, one structure per row, a `cif` column holding a P1 CIF
/// (RFC 4180 quoting, newlines inside the quoted field), usually a `material_id` column.
/// The file is memory-mapped and scanned once; the CIFs are parsed on all cores.
public enum CDVAEDataset {
  /// `structures` as a CDVAE-layout CSV with the columns material_id and cif (P1), which
  /// `read` and every CDVAE-era tool read back.
  public static func csv(_ structures: [Structure]) -> String {
    let rows = structures.map { structure in
      "\(structure.id),\"\(CIF.write(structure).replacingOccurrences(of: "\"", with: "\"\""))\""
    }
    return (["material_id,cif"] + rows).joined(separator: "\n") + "\n"
  }

  /// Reads the first `limit` rows (all when nil). Any bad row is an error naming the file,
  /// the row and its id.
  public static func read(_ url: URL, limit: Int? = nil) throws -> [DatasetRecord] {
    let data: Data
    do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
      throw CrystalError.parse(location: url.path, message: "cannot read file: \(error)")
    }
    let name = url.lastPathComponent
    let (header, rows) = try data.withUnsafeBytes { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      let rows = try CSVScanner(bytes: bytes, source: name).rows(limit: limit.map { $0 + 1 })
      guard let first = rows.first else {
        throw CrystalError.parse(location: name, message: "empty file")
      }
      return (first.map { String(decoding: $0.bytes(in: bytes), as: UTF8.self) }, rows.dropFirst())
    }
    guard let cifColumn = header.firstIndex(of: "cif") else {
      throw CrystalError.parse(
        location: name, message: "no `cif` column (columns: \(header.joined(separator: ", ")))")
    }
    let idColumn = header.firstIndex(of: "material_id")
    let chunk = max(1, rows.count / 64)
    // Each part reads the mapped file (which the rows' byte ranges index) on its own thread.
    let parts = try Parallel.map((rows.count + chunk - 1) / chunk) { part in
      try data.withUnsafeBytes { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        return try (part * chunk..<min(rows.count, (part + 1) * chunk)).map { index in
          try record(
            rows[rows.startIndex + index], index: index, header: header, cifColumn: cifColumn,
            idColumn: idColumn, bytes: bytes, file: name)
        }
      }
    }
    return parts.flatMap { $0 }
  }

  private static func record(
    _ fields: [CSVField], index: Int, header: [String], cifColumn: Int, idColumn: Int?,
    bytes: UnsafeBufferPointer<UInt8>, file: String
  ) throws -> DatasetRecord {
    func text(_ column: Int) -> String {
      String(decoding: fields[column].bytes(in: bytes), as: UTF8.self)
    }
    let id = idColumn.flatMap { $0 < fields.count ? text($0) : nil } ?? String(index)
    let location = "\(file): row \(index + 1) (\(id))"
    guard fields.count == header.count else {
      throw CrystalError.parse(
        location: location,
        message: "has \(fields.count) fields, the header has \(header.count) (truncated file?)")
    }
    let cif = fields[cifColumn]
    let structures: [Structure]
    if cif.hasEscapedQuotes {
      structures = try CIF.parse(text(cifColumn), source: location)
    } else {
      structures = try CIF.parse(
        bytes: UnsafeBufferPointer(rebasing: bytes[cif.range]), source: location)
    }
    guard structures.count == 1, var structure = structures.first else {
      throw CrystalError.parse(
        location: location, message: "cif field holds \(structures.count) structures")
    }
    structure.id = id
    var columns: [String: String] = [:]
    for (column, name) in header.enumerated() where column != cifColumn {
      columns[name] = text(column)
    }
    return DatasetRecord(index: index, id: id, structure: structure, columns: columns)
  }
}

/// A field of a CSV row: a byte range, plus whether doubled quotes inside need unescaping.
struct CSVField {
  let range: Range<Int>
  let hasEscapedQuotes: Bool

  func bytes(in buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    let slice = Array(buffer[range])
    guard hasEscapedQuotes else { return slice }
    var out: [UInt8] = []
    var index = 0
    while index < slice.count {
      out.append(slice[index])
      index += slice[index] == UInt8(ascii: "\"") ? 2 : 1
    }
    return out
  }
}

/// Splits CSV bytes into rows of fields (RFC 4180).
struct CSVScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let source: String

  func rows(limit: Int?) throws -> [[CSVField]] {
    var rows: [[CSVField]] = []
    var fields: [CSVField] = []
    var index = 0
    let quote = UInt8(ascii: "\"")
    let comma = UInt8(ascii: ",")
    let newline = UInt8(10)
    let carriage = UInt8(13)
    while index < bytes.count {
      if let limit, rows.count >= limit { break }
      if bytes[index] == quote {
        let start = index + 1
        var end = start
        var escaped = false
        while true {
          guard end < bytes.count else {
            throw CrystalError.parse(
              location: "\(source): row \(rows.count)",
              message: "unterminated quoted field (truncated file?)")
          }
          if bytes[end] == quote {
            if end + 1 < bytes.count, bytes[end + 1] == quote {
              escaped = true
              end += 2
              continue
            }
            break
          }
          end += 1
        }
        fields.append(CSVField(range: start..<end, hasEscapedQuotes: escaped))
        index = end + 1
      } else {
        let start = index
        while index < bytes.count, bytes[index] != comma, bytes[index] != newline,
          bytes[index] != carriage
        {
          index += 1
        }
        fields.append(CSVField(range: start..<index, hasEscapedQuotes: false))
      }
      // After a field: a comma, an end of line, or the end of the file.
      if index < bytes.count, bytes[index] == comma {
        index += 1
        continue
      }
      if index < bytes.count, bytes[index] == carriage { index += 1 }
      if index < bytes.count, bytes[index] == newline { index += 1 }
      if !(fields.count == 1 && fields[0].range.isEmpty) { rows.append(fields) }
      fields = []
    }
    if !fields.isEmpty { rows.append(fields) }
    return rows
  }
}
