import Foundation

/// The functions an ELF64 shared library exports (its defined global and weak STT_FUNC
/// symbols of .dynsym), read from the file for "missing symbol" messages. Every offset is
/// bounds-checked: a file that is not what it seems gives an empty list.
enum ExportedFunctions {
  static func list(path: String) -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    let bytes = [UInt8](data)
    func read<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> Int? {
      let size = MemoryLayout<T>.size
      guard offset >= 0, offset + size <= bytes.count else { return nil }
      let value = bytes[offset..<offset + size].reversed().reduce(T(0)) { $0 << 8 | T($1) }
      return Int(exactly: value)
    }
    // "\x7fELF", 64-bit, little-endian.
    guard bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46, 2, 1]),
      let sections = read(UInt64.self, at: 0x28), let entrySize = read(UInt16.self, at: 0x3A),
      let count = read(UInt16.self, at: 0x3C)
    else { return [] }
    /// (offset, size, link) of the section header at `index`.
    func section(_ index: Int) -> (offset: Int, size: Int, link: Int)? {
      let header = sections + index * entrySize
      guard let offset = read(UInt64.self, at: header + 0x18),
        let size = read(UInt64.self, at: header + 0x20),
        let link = read(UInt32.self, at: header + 0x28)
      else { return nil }
      return (offset, size, link)
    }
    let dynamicSymbols = 11  // SHT_DYNSYM
    guard
      let index = (0..<count).first(where: {
        read(UInt32.self, at: sections + $0 * entrySize + 4) == dynamicSymbols
      }), let symbols = section(index), let strings = section(symbols.link)
    else { return [] }
    let names = (0..<symbols.size / 24).compactMap { symbol -> String? in
      let entry = symbols.offset + symbol * 24
      guard let name = read(UInt32.self, at: entry), let info = read(UInt8.self, at: entry + 4),
        let sectionIndex = read(UInt16.self, at: entry + 6),
        info & 0xF == 2, [1, 2].contains(info >> 4), sectionIndex != 0,
        strings.offset + name < bytes.count
      else { return nil }
      let start = strings.offset + name
      let end = bytes[start...].firstIndex(of: 0) ?? bytes.count
      return String(decoding: bytes[start..<end], as: UTF8.self)
    }
    return names.sorted()
  }
}
