import SwiftPluginKit

/// A C function's signature as a FunctionReward config writes it:
/// `RETURN [NAME] (TYPE NAME, ...)`, e.g.
/// `double (int64 num_atoms, const double *lattice, double param.scale)`. A parameter is
/// `[const] SCALAR [*] NAME`; names may contain dots (`param.NAME`); `()` and `(void)` take
/// nothing.
struct FunctionSignature {
  /// One declared parameter.
  struct Parameter {
    let type: CType
    let name: String
  }

  let returnType: CType.Scalar
  /// The function name written between the return type and the parameters, if any.
  let functionName: String?
  let parameters: [Parameter]

  static let scalarSpellings = CType.Scalar.allCases.map(\.rawValue).joined(separator: ", ")

  init(parsing text: String) throws {
    var tokens = Self.tokens(text)[...]
    func fail(_ message: String) -> PluginFailure {
      PluginFailure("signature \"\(text)\": \(message)")
    }
    guard let first = tokens.popFirst(), let returnType = CType.Scalar(spelling: first) else {
      throw fail("the return type must be one of \(Self.scalarSpellings)")
    }
    self.returnType = returnType
    functionName = tokens.first.flatMap { $0 == "(" ? nil : tokens.popFirst() }
    guard tokens.popFirst() == "(", tokens.popLast() == ")" else {
      throw fail("expected RETURN_TYPE (TYPE NAME, ...)")
    }
    let list = Array(tokens)
    guard !(list.isEmpty || list == ["void"]) else {
      parameters = []
      return
    }
    parameters = try list.split(separator: ",", omittingEmptySubsequences: false).map { words in
      var words = Array(words)[...]
      let isConst = words.first == "const"
      if isConst { words.removeFirst() }
      let spelled = words.popFirst() ?? ""
      guard let scalar = CType.Scalar(spelling: spelled) else {
        throw fail("parameter type '\(spelled)' is not one of \(Self.scalarSpellings)")
      }
      let isPointer = words.first == "*"
      if isPointer { words.removeFirst() }
      guard words.count == 1, let name = words.first, name.first?.isLetter ?? false else {
        throw fail("expected [const] TYPE [*] NAME, got '\(words.joined(separator: " "))'")
      }
      guard isPointer || !isConst else {
        throw fail("'const' applies to pointers only ('\(name)')")
      }
      return Parameter(type: CType(scalar, pointer: isPointer, const: isConst), name: name)
    }
  }

  /// Identifiers (letters, digits, `_` and `.`) and the punctuation `*`, `(`, `)`, `,`.
  private static func tokens(_ text: String) -> [String] {
    var tokens: [String] = []
    var word = ""
    for character in text {
      if character.isLetter || character.isNumber || character == "_" || character == "." {
        word.append(character)
        continue
      }
      if !word.isEmpty { tokens.append(word) }
      word = ""
      if !character.isWhitespace { tokens.append(String(character)) }
    }
    if !word.isEmpty { tokens.append(word) }
    return tokens
  }
}
