import Foundation

/// A small on-disk cache of named Float64 vectors (reference energies and the like), each file
/// tagged with the key it was computed for; a file with another key counts as missing.
public struct ValueCache: Sendable {
  public let directory: URL

  public init(directory: URL) { self.directory = directory }

  /// The cached values of `name` computed for `key`, or nil.
  public func read(_ name: String, key: UInt64) -> [Double]? {
    guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)),
      data.count >= 8, (data.count - 8) % 8 == 0
    else { return nil }
    let words = data.withUnsafeBytes { raw in
      (0..<data.count / 8).map {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))
      }
    }
    guard words[0] == key else { return nil }
    return words.dropFirst().map { Double(bitPattern: $0) }
  }

  /// Stores `values` under `name` for `key` (atomically).
  public func write(_ name: String, key: UInt64, values: [Double]) throws {
    var data = Data()
    for word in [key] + values.map(\.bitPattern) {
      withUnsafeBytes(of: word.littleEndian) { data.append(contentsOf: $0) }
    }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try data.write(to: directory.appendingPathComponent(name), options: .atomic)
  }
}

/// FNV-1a over a string: a stable cache key for identifiers and element lists.
public func stableKey(_ text: String) -> UInt64 { stableKey(bytes: text.utf8) }

/// FNV-1a over bytes (a file's contents, a string's UTF-8).
public func stableKey<Bytes: Sequence>(bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
  bytes.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
}
