extension Composition {
  /// Parses a chemical formula with whole-number amounts: "Fe2O3", "Fe2 O3" (pymatgen's
  /// `Composition.formula`), "SrTiO3", "O2"; amounts written "2.0" are accepted, fractional
  /// amounts, brackets and unknown elements are errors.
  public init(formula: String) throws {
    var counts: [Element: Int] = [:]
    var characters = Array(formula.filter { !$0.isWhitespace })
    guard !characters.isEmpty else {
      throw CrystalError.parse(location: "formula", message: "empty formula")
    }
    while !characters.isEmpty {
      guard let first = characters.first, first.isASCII, first.isUppercase else {
        throw CrystalError.parse(
          location: "formula '\(formula)'",
          message: "expected an element symbol at '\(String(characters))'")
      }
      var symbol = String(characters.removeFirst())
      if let next = characters.first, next.isASCII, next.isLowercase {
        symbol.append(characters.removeFirst())
      }
      guard let element = Element(symbol: symbol) else { throw CrystalError.unknownElement(symbol) }
      var digits = ""
      while let next = characters.first, next.isNumber || next == "." {
        digits.append(characters.removeFirst())
      }
      let amount: Int
      if digits.isEmpty {
        amount = 1
      } else if let value = Double(digits), value > 0, value == value.rounded(),
        value < Double(Int32.max)
      {
        amount = Int(value)
      } else {
        throw CrystalError.parse(
          location: "formula '\(formula)'",
          message: "amount '\(digits)' of \(symbol) is not a positive whole number")
      }
      counts[element, default: 0] += amount
    }
    self.init(counts: counts)
  }
}
