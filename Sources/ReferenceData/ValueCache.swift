import BinaryCoding
import DurableFiles
import Foundation

/// A small on-disk cache of named Float64 vectors (reference energies and the like), each file
/// tagged with the key it was computed for; a file with another key counts as missing.
///
/// Layout (little-endian): UInt64 key, then the values as Float64.
public struct ValueCache: Sendable {
  public let directory: URL

  public init(directory: URL) { self.directory = directory }

  /// The cached values of `name` computed for `key`, or nil.
  public func read(_ name: String, key: UInt64) -> [Double]? {
    guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)),
      data.count >= 8, data.count % 8 == 0
    else { return nil }
    return data.withUnsafeBytes { buffer -> [Double]? in
      var reader = ByteReader(buffer)
      guard (try? reader.integer(UInt64.self)) == key else { return nil }
      return try? (0..<reader.remaining / 8).map { _ in try reader.double() }
    }
  }

  /// Stores `values` under `name` for `key` (crash-safe: the old file or the new one).
  public func write(_ name: String, key: UInt64, values: [Double]) throws {
    var writer = ByteWriter()
    writer.integer(key)
    for value in values { writer.double(value) }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try DurableFile.write(Data(writer.bytes), to: directory.appendingPathComponent(name))
  }
}
