/// One data block of a CIF file: its name and every tag's values (one value for plain items,
/// a column for looped items). Tags are lower-cased.
struct CIFBlock {
  var name: String
  var values: [String: [String]] = [:]
}

/// Splits CIF text into data blocks (CIF 1.1 syntax: comments, quoted strings, semicolon
/// text fields, loops).
struct CIFSyntax {
  private struct Token {
    let text: String
    let quoted: Bool
  }

  let source: String

  func blocks(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [CIFBlock] {
    let tokens = try tokenize(bytes)
    var blocks: [CIFBlock] = []
    var index = 0
    func fail(_ message: String) -> CrystalError {
      CrystalError.parse(location: source, message: message)
    }
    while index < tokens.count {
      let token = tokens[index]
      let lower = token.text.lowercased()
      if !token.quoted && lower.hasPrefix("data_") {
        blocks.append(CIFBlock(name: String(token.text.dropFirst(5))))
        index += 1
      } else if !token.quoted && lower == "loop_" {
        guard !blocks.isEmpty else { throw fail("loop_ before any data_ block") }
        index += 1
        var tags: [String] = []
        while index < tokens.count, !tokens[index].quoted, tokens[index].text.hasPrefix("_") {
          tags.append(tokens[index].text.lowercased())
          index += 1
        }
        guard !tags.isEmpty else { throw fail("loop_ without tags") }
        var columns = Array(repeating: [String](), count: tags.count)
        var count = 0
        while index < tokens.count, !isKeyword(tokens[index]) {
          columns[count % tags.count].append(tokens[index].text)
          count += 1
          index += 1
        }
        guard count % tags.count == 0 else {
          throw fail(
            "loop of \(tags.joined(separator: ", ")) has \(count) values, not a multiple of "
              + "\(tags.count) (truncated file?)")
        }
        for (tag, column) in zip(tags, columns) { blocks[blocks.count - 1].values[tag] = column }
      } else if !token.quoted && token.text.hasPrefix("_") {
        guard !blocks.isEmpty else { throw fail("tag \(token.text) before any data_ block") }
        guard index + 1 < tokens.count, !isKeyword(tokens[index + 1]) else {
          throw fail("tag \(token.text) has no value (truncated file?)")
        }
        blocks[blocks.count - 1].values[lower] = [tokens[index + 1].text]
        index += 2
      } else {
        throw fail("unexpected value '\(token.text)' outside a loop")
      }
    }
    return blocks
  }

  private func isKeyword(_ token: Token) -> Bool {
    guard !token.quoted else { return false }
    let lower = token.text.lowercased()
    return token.text.hasPrefix("_") || lower == "loop_" || lower.hasPrefix("data_")
      || lower.hasPrefix("save_") || lower == "global_" || lower == "stop_"
  }

  private func tokenize(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [Token] {
    var tokens: [Token] = []
    var index = 0
    let count = bytes.count
    var lineStart = true
    func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
    func text(_ start: Int, _ end: Int) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
    while index < count {
      let byte = bytes[index]
      if byte == 10 {
        lineStart = true
        index += 1
        continue
      }
      if isSpace(byte) {
        lineStart = false
        index += 1
        continue
      }
      if byte == UInt8(ascii: "#") {
        while index < count, bytes[index] != 10 { index += 1 }
        continue
      }
      if byte == UInt8(ascii: ";") && lineStart {
        // Text field: up to a line that starts with ';'.
        let start = index + 1
        var end = start
        while true {
          guard end < count else {
            throw CrystalError.parse(location: source, message: "unterminated ;-text field")
          }
          if bytes[end] == 10, end + 1 < count, bytes[end + 1] == UInt8(ascii: ";") { break }
          end += 1
        }
        tokens.append(Token(text: text(start, end).trimmingNewlines(), quoted: true))
        index = end + 2
        lineStart = false
        continue
      }
      lineStart = false
      if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
        // Quoted: ends at the same quote followed by whitespace or the end.
        var end = index + 1
        while end < count,
          !(bytes[end] == byte && (end + 1 == count || isSpace(bytes[end + 1])))
        {
          guard bytes[end] != 10 else {
            throw CrystalError.parse(location: source, message: "unterminated quoted string")
          }
          end += 1
        }
        guard end < count else {
          throw CrystalError.parse(location: source, message: "unterminated quoted string")
        }
        tokens.append(Token(text: text(index + 1, end), quoted: true))
        index = end + 1
        continue
      }
      let start = index
      while index < count, !isSpace(bytes[index]) { index += 1 }
      tokens.append(Token(text: text(start, index), quoted: false))
    }
    return tokens
  }
}

extension String {
  fileprivate func trimmingNewlines() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first == "\n" || first == "\r" { scalars.removeFirst() }
    while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
    return String(scalars)
  }
}
