import Foundation

/// Reads and writes CIF files: P1 CIFs as pymatgen writes them and general CIFs whose
/// symmetry operations generate the full cell. Partial occupancy is an error, never silently
/// dropped atoms.
public enum CIF {
  /// Distance (fractional, periodic) under which two generated sites are one site.
  static let mergeTolerance = 1e-3

  /// Parses every data block of `text`; `source` names the file (and record) in errors.
  public static func parse(_ text: String, source: String) throws -> [Structure] {
    var text = text
    return try text.withUTF8 { try parse(bytes: $0, source: source) }
  }

  /// Parses CIF bytes (UTF-8).
  public static func parse(bytes: UnsafeBufferPointer<UInt8>, source: String) throws
    -> [Structure]
  {
    let blocks = try CIFSyntax(source: source).blocks(bytes)
    guard !blocks.isEmpty else {
      throw CrystalError.parse(location: source, message: "no data_ block (empty or not a CIF)")
    }
    return try blocks.map { try structure(from: $0, source: "\(source) [data_\($0.name)]") }
  }

  private static func structure(from block: CIFBlock, source: String) throws -> Structure {
    func fail(_ message: String) -> CrystalError {
      CrystalError.parse(location: source, message: message)
    }
    func number(_ tag: String) throws -> Double {
      guard let text = block.values[tag]?.first else { throw fail("missing \(tag)") }
      guard let value = parseNumber(text), value.isFinite else {
        throw fail("\(tag) is not a number: '\(text)'")
      }
      return value
    }
    let lattice: Lattice
    do {
      lattice = try Lattice(
        a: try number("_cell_length_a"), b: try number("_cell_length_b"),
        c: try number("_cell_length_c"), alpha: try number("_cell_angle_alpha"),
        beta: try number("_cell_angle_beta"), gamma: try number("_cell_angle_gamma"))
    } catch let error as CrystalError {
      if case .parse = error { throw error }
      throw fail("\(error)")
    }
    let operationTexts =
      block.values["_symmetry_equiv_pos_as_xyz"]
      ?? block.values["_space_group_symop_operation_xyz"] ?? ["x, y, z"]
    let operations = try operationTexts.map { text -> SymmetryOperation in
      guard let operation = SymmetryOperation(text) else {
        throw fail("cannot read symmetry operation '\(text)'")
      }
      return operation
    }
    guard operations.count <= 192 else {
      throw fail("\(operations.count) symmetry operations; no space group has more than 192")
    }
    guard let xs = block.values["_atom_site_fract_x"], let ys = block.values["_atom_site_fract_y"],
      let zs = block.values["_atom_site_fract_z"], xs.count == ys.count, xs.count == zs.count
    else {
      throw fail("missing or uneven _atom_site_fract_x/y/z columns")
    }
    let symbols = block.values["_atom_site_type_symbol"] ?? block.values["_atom_site_label"]
    guard let symbols, symbols.count == xs.count else {
      throw fail("missing _atom_site_type_symbol or _atom_site_label column")
    }
    let occupancies = block.values["_atom_site_occupancy"]
    var sites: [Site] = []
    var generated = SiteGrid()
    for index in xs.indices {
      let symbol = elementSymbol(symbols[index])
      guard let element = Element(symbol: symbol) else {
        throw fail("atom site \(index + 1): unknown element '\(symbols[index])'")
      }
      if let occupancies, index < occupancies.count {
        guard let occupancy = parseNumber(occupancies[index]) else {
          throw fail("atom site \(index + 1): occupancy '\(occupancies[index])' is not a number")
        }
        guard abs(occupancy - 1) < 1e-4 else {
          throw fail(
            "atom site \(index + 1) (\(symbol)) has occupancy \(occupancies[index]); partially "
              + "occupied (disordered) structures are not supported")
        }
      }
      guard let x = parseNumber(xs[index]), let y = parseNumber(ys[index]),
        let z = parseNumber(zs[index]), x.isFinite, y.isFinite, z.isFinite
      else {
        throw fail(
          "atom site \(index + 1) (\(symbol)): coordinates '\(xs[index]) \(ys[index]) \(zs[index])' are not finite numbers"
        )
      }
      let position = Vector3(x, y, z)
      for operation in operations {
        let site = Site(element: element, fractional: wrap(operation.apply(position)))
        guard site.fractional.x.isFinite, site.fractional.y.isFinite, site.fractional.z.isFinite
        else {
          throw fail("atom site \(index + 1) (\(symbol)): a symmetry operation overflows it")
        }
        if generated.insert(site) { sites.append(site) }
      }
    }
    guard !sites.isEmpty else { throw fail("no atom sites") }
    do {
      return try Structure(lattice: lattice, sites: sites, id: block.name)
    } catch {
      throw fail("\(error)")
    }
  }

  /// "Fe2+" → "Fe", "O1" → "O", "Cu0" → "Cu", "CA" → "Ca".
  static func elementSymbol(_ text: String) -> String {
    let letters = text.prefix { $0.isLetter }
    guard let first = letters.first else { return text }
    let candidate = first.uppercased() + letters.dropFirst().prefix(1).lowercased()
    if letters.count >= 2, Element(symbol: candidate) != nil { return candidate }
    return first.uppercased()
  }

  /// A CIF number: "0.5", "5.431(2)" (uncertainty dropped), "." and "?" are not numbers.
  static func parseNumber(_ text: String) -> Double? {
    if let parenthesis = text.firstIndex(of: "(") { return Double(text[..<parenthesis]) }
    return Double(text)
  }

  /// Writes `structure` as a P1 CIF in pymatgen's layout.
  public static func write(_ structure: Structure) -> String {
    let lengths = structure.lattice.lengths
    let angles = structure.lattice.angles
    let formula = structure.composition.formula
    func f(_ value: Double) -> String { String(format: "%.8f", value) }
    var lines = [
      "# generated by CrystalRL", "data_\(formula)",
      "_symmetry_space_group_name_H-M   'P 1'",
      "_cell_length_a   \(f(lengths.x))", "_cell_length_b   \(f(lengths.y))",
      "_cell_length_c   \(f(lengths.z))", "_cell_angle_alpha   \(f(angles.x))",
      "_cell_angle_beta   \(f(angles.y))", "_cell_angle_gamma   \(f(angles.z))",
      "_symmetry_Int_Tables_number   1", "_chemical_formula_structural   \(formula)",
      "_cell_volume   \(f(structure.volume))", "loop_", " _symmetry_equiv_pos_site_id",
      " _symmetry_equiv_pos_as_xyz", "  1  'x, y, z'", "loop_", " _atom_site_type_symbol",
      " _atom_site_label", " _atom_site_symmetry_multiplicity", " _atom_site_fract_x",
      " _atom_site_fract_y", " _atom_site_fract_z", " _atom_site_occupancy",
    ]
    // Fractional coordinates do not depend on the lattice's orientation, so they carry over
    // to the lattice a reader rebuilds from the parameters.
    for (index, site) in structure.sites.enumerated() {
      let symbol = site.element.symbol
      let x = site.fractional
      lines.append("  \(symbol)  \(symbol)\(index)  1  \(f(x.x))  \(f(x.y))  \(f(x.z))  1")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// Sites generated from symmetry operations, bucketed on a periodic grid of cells at least
/// `CIF.mergeTolerance` wide, so a duplicate check reads 27 cells instead of every site.
struct SiteGrid {
  private static let size = Int(1 / CIF.mergeTolerance)
  private var cells: [SIMD3<Int>: [Site]] = [:]

  /// Adds `site` (wrapped into [0, 1)) unless a site of its element lies within the merge
  /// tolerance; true when added.
  mutating func insert(_ site: Site) -> Bool {
    let size = SiteGrid.size
    let cell = SIMD3<Int>(site.fractional * Double(size), rounding: .down) % size
    for dx in -1...1 {
      for dy in -1...1 {
        for dz in -1...1 {
          let neighbour = (cell &+ SIMD3(dx, dy, dz) &+ size) % size
          let duplicate = cells[neighbour]?.contains {
            $0.element == site.element
              && periodicDistance($0.fractional, site.fractional) < CIF.mergeTolerance
          }
          if duplicate == true { return false }
        }
      }
    }
    cells[cell, default: []].append(site)
    return true
  }
}

/// Wraps fractional coordinates into [0, 1).
func wrap(_ x: Vector3) -> Vector3 {
  var wrapped = x - x.rounded(.down)
  for axis in 0..<3 where wrapped[axis] >= 1 - 1e-12 { wrapped[axis] = 0 }
  return wrapped
}

/// The largest per-axis periodic distance between two fractional positions.
func periodicDistance(_ a: Vector3, _ b: Vector3) -> Double {
  let d = a - b
  let folded = d - d.rounded(.toNearestOrAwayFromZero)
  return max(abs(folded.x), abs(folded.y), abs(folded.z))
}
