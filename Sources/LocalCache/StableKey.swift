/// 64-bit FNV-1a over a string's UTF-8: the stable key of cached files (identifiers, element
/// lists, geometries); the same text gives the same key in every process and on every machine.
public func stableKey(_ text: String) -> UInt64 { stableKey(bytes: text.utf8) }

/// 64-bit FNV-1a over bytes (a file's contents, a string's UTF-8).
@inlinable
public func stableKey<Bytes: Sequence>(bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
  return hash
}
