import Foundation

/// Reads and writes VASP POSCAR/CONTCAR files (VASP 5 format, with the species line).
public enum POSCAR {
  /// Parses POSCAR text; `source` names the file in errors.
  public static func parse(_ text: String, source: String) throws -> Structure {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    func fail(_ line: Int, _ message: String) -> CrystalError {
      CrystalError.parse(location: "\(source): line \(line + 1)", message: message)
    }
    func numbers(_ line: Int, count: Int) throws -> [Double] {
      guard line < lines.count else { throw fail(line, "file ends early (truncated?)") }
      let values = lines[line].split(whereSeparator: \.isWhitespace).prefix(count).compactMap {
        Double($0)
      }
      guard values.count == count, values.allSatisfy(\.isFinite) else {
        throw fail(line, "expected \(count) finite numbers, got '\(lines[line])'")
      }
      return values
    }
    let scale = try numbers(1, count: 1)[0]
    let rows = try (2...4).map { try numbers($0, count: 3) }
    var matrix = Matrix3(
      Vector3(rows[0][0], rows[0][1], rows[0][2]), Vector3(rows[1][0], rows[1][1], rows[1][2]),
      Vector3(rows[2][0], rows[2][1], rows[2][2]))
    // A negative scale is the target volume.
    let factor = scale < 0 ? cbrt(-scale / abs(matrix.determinant)) : scale
    matrix = Matrix3(matrix[0] * factor, matrix[1] * factor, matrix[2] * factor)
    let lattice: Lattice
    do { lattice = try Lattice(matrix: matrix) } catch { throw fail(2, "\(error)") }
    guard lines.count > 6 else { throw fail(5, "file ends before the species and counts lines") }
    let symbols = lines[5].split(whereSeparator: \.isWhitespace).map(String.init)
    guard symbols.allSatisfy({ Int($0) == nil }) else {
      throw fail(
        5, "expected element symbols (VASP 5 format); VASP 4 files without them are not supported")
    }
    let counts = lines[6].split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    guard counts.count == symbols.count, counts.allSatisfy({ $0 >= 0 }) else {
      throw fail(6, "expected one atom count per species \(symbols)")
    }
    guard counts.allSatisfy({ $0 <= lines.count }) else {
      throw fail(6, "atom counts \(counts) exceed the \(lines.count) lines of the file")
    }
    var elements: [Element] = []
    for (symbol, count) in zip(symbols, counts) {
      guard let element = Element(symbol: symbol) else {
        throw CrystalError.parse(
          location: "\(source): line 6", message: "unknown element '\(symbol)'")
      }
      elements += Array(repeating: element, count: count)
    }
    var line = 7
    if line < lines.count, lines[line].lowercased().hasPrefix("s") { line += 1 }  // selective dynamics
    guard line < lines.count else { throw fail(line, "file ends before the coordinates") }
    let cartesian =
      lines[line].lowercased().hasPrefix("c") || lines[line].lowercased().hasPrefix("k")
    let positions = try elements.indices.map { index -> Vector3 in
      let values = try numbers(line + 1 + index, count: 3)
      let position = Vector3(values[0], values[1], values[2])
      return cartesian ? lattice.fractional(position * factor) : position
    }
    do {
      return try Structure(
        lattice: lattice, elements: elements, fractional: positions,
        id: lines[0].isEmpty ? URL(fileURLWithPath: source).lastPathComponent : lines[0])
    } catch { throw CrystalError.parse(location: source, message: "\(error)") }
  }

  /// Writes `structure` in VASP 5 format with direct coordinates, species grouped in order of
  /// first appearance (so a structure already grouped keeps its site order).
  public static func write(_ structure: Structure) -> String {
    func row(_ v: Vector3) -> String { String(format: "  %.10f  %.10f  %.10f", v.x, v.y, v.z) }
    var seen = Set<Element>()
    let species = structure.elements.filter { seen.insert($0).inserted }
    var lines = [
      structure.id.isEmpty ? structure.composition.formula : structure.id, "1.0",
      row(structure.lattice.matrix[0]), row(structure.lattice.matrix[1]),
      row(structure.lattice.matrix[2]), species.map(\.symbol).joined(separator: " "),
      species.map { String(structure.composition.counts[$0]!) }.joined(separator: " "), "direct",
    ]
    for element in species {
      for site in structure.sites where site.element == element {
        lines.append(row(site.fractional) + " \(element.symbol)")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
