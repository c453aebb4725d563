/// A symmetry operation on fractional coordinates, x' = R x + t, parsed from the CIF
/// notation "-x+1/2, y, z-y".
public struct SymmetryOperation: Equatable, Sendable {
  /// Rows of R.
  public let rotation: [Vector3]
  public let translation: Vector3

  /// Parses "x, y, z"-style text; nil when it is not a valid operation.
  public init?(_ text: String) {
    let parts = text.lowercased().filter { !$0.isWhitespace && $0 != "'" && $0 != "\"" }
      .split(separator: ",", omittingEmptySubsequences: false)
    guard parts.count == 3 else { return nil }
    var rows: [Vector3] = []
    var shift = Vector3.zero
    for (axis, part) in parts.enumerated() {
      guard let (row, constant) = SymmetryOperation.parseComponent(Substring(part)) else {
        return nil
      }
      rows.append(row)
      shift[axis] = constant
    }
    rotation = rows
    translation = shift
  }

  /// Applies the operation to fractional coordinates.
  public func apply(_ x: Vector3) -> Vector3 {
    Vector3(dot(rotation[0], x), dot(rotation[1], x), dot(rotation[2], x)) + translation
  }

  /// One component, e.g. "-x+y+1/2": coefficients of x, y, z and a constant.
  private static func parseComponent(_ text: Substring) -> (Vector3, Double)? {
    var row = Vector3.zero
    var constant = 0.0
    var index = text.startIndex
    guard index < text.endIndex else { return nil }
    while index < text.endIndex {
      var sign = 1.0
      if text[index] == "+" || text[index] == "-" {
        sign = text[index] == "-" ? -1 : 1
        index = text.index(after: index)
      }
      guard index < text.endIndex else { return nil }
      let start = index
      while index < text.endIndex, text[index] != "+", text[index] != "-" {
        index = text.index(after: index)
      }
      let term = text[start..<index]
      if let axis = ["x", "y", "z"].firstIndex(of: String(term.last ?? " ")) {
        // "x", "2x", "2*x"
        let factorText = term.dropLast().replacingOccurrences(of: "*", with: "")
        guard let factor = factorText.isEmpty ? 1 : Double(factorText) else { return nil }
        row[axis] += sign * factor
      } else if let value = fraction(term) {
        constant += sign * value
      } else {
        return nil
      }
    }
    return (row, constant)
  }

  private static func fraction(_ text: Substring) -> Double? {
    let pieces = text.split(separator: "/")
    if pieces.count == 2, let numerator = Double(pieces[0]), let denominator = Double(pieces[1]),
      denominator != 0
    {
      return numerator / denominator
    }
    return pieces.count == 1 ? Double(text) : nil
  }
}
