import Foundation
import TestSupport
import XCTest

@testable import CrystalCore

final class CIFTests: XCTestCase {
  /// Rock salt in Fm-3m written with only the generators needed: the F-centring translations
  /// and enough point operations to place Cl from one site.
  let rockSaltSymmetric = """
    data_NaCl
    _cell_length_a 5.640(1)
    _cell_length_b 5.640
    _cell_length_c 5.640
    _cell_angle_alpha 90
    _cell_angle_beta 90
    _cell_angle_gamma 90
    loop_
    _space_group_symop_operation_xyz
    'x, y, z'
    'x, y+1/2, z+1/2'
    'x+1/2, y, z+1/2'
    'x+1/2, y+1/2, z'
    '-x, -y, -z'
    loop_
    _atom_site_label
    _atom_site_type_symbol
    _atom_site_fract_x
    _atom_site_fract_y
    _atom_site_fract_z
    _atom_site_occupancy
    Na1 Na+ 0 0 0 1.0
    Cl1 Cl- 0.5 0.5 0.5 1.0
    """

  func testSymmetryOperationsGenerateTheCell() throws {
    let structure = try XCTUnwrap(CIF.parse(rockSaltSymmetric, source: "NaCl.cif").first)
    XCTAssertEqual(structure.count, 8)
    XCTAssertEqual(structure.composition.counts[Element(symbol: "Na")!], 4)
    XCTAssertEqual(structure.volume, 5.64 * 5.64 * 5.64, accuracy: 1e-9)
    XCTAssertEqual(structure.composition.reducedFormula, "NaCl")
  }

  func testSymmetryOperationParsing() throws {
    let operation = try XCTUnwrap(SymmetryOperation("-x+y, 1/2+x, -z-1/4"))
    let image = operation.apply(Vector3(0.1, 0.2, 0.3))
    XCTAssertEqual(image.x, 0.1, accuracy: 1e-12)
    XCTAssertEqual(image.y, 0.6, accuracy: 1e-12)
    XCTAssertEqual(image.z, -0.55, accuracy: 1e-12)
    XCTAssertNil(SymmetryOperation("x, y"))
    XCTAssertNil(SymmetryOperation("x, y, q"))
  }

  func testRoundTripThroughWriter() throws {
    let original = try XCTUnwrap(CIF.parse(rockSaltSymmetric, source: "NaCl.cif").first)
    let again = try XCTUnwrap(CIF.parse(CIF.write(original), source: "written").first)
    XCTAssertEqual(again.count, original.count)
    XCTAssertEqual(again.volume, original.volume, accuracy: 1e-6)
    for (a, b) in zip(original.sites, again.sites) {
      XCTAssertEqual(a.element, b.element)
      XCTAssertLessThan(length(a.fractional - b.fractional), 1e-7)
    }
  }

  func assertParseError(_ text: String, mentions expected: String, line: UInt = #line) {
    let error = thrownError(CrystalError.self, line: line) {
      _ = try CIF.parse(text, source: "bad.cif")
    }
    guard case .parse(let location, let message)? = error else {
      return XCTFail("\(String(describing: error))", line: line)
    }
    XCTAssertTrue(
      location.hasPrefix("bad.cif"), "the error names the file: \(location)", line: line)
    XCTAssertTrue(message.contains(expected), "'\(message)' lacks '\(expected)'", line: line)
  }

  func testBadInputsAreClearErrors() {
    assertParseError(
      rockSaltSymmetric.replacingOccurrences(
        of: "Cl1 Cl- 0.5 0.5 0.5 1.0", with: "Cl1 Cl- 0.5 0.5 0.5 0.5"),
      mentions: "occupancy 0.5; partially occupied")
    assertParseError(
      rockSaltSymmetric.replacingOccurrences(of: "Na1 Na+", with: "Xx1 Xx"),
      mentions: "unknown element 'Xx'")
    assertParseError(
      rockSaltSymmetric.replacingOccurrences(
        of: "_cell_angle_gamma 90", with: "_cell_angle_gamma 180"),
      mentions: "invalid lattice parameters")
    assertParseError(
      rockSaltSymmetric.replacingOccurrences(
        of: "Cl1 Cl- 0.5 0.5 0.5", with: "Cl1 Cl- nan 0.5 0.5"),
      mentions: "not finite numbers")
    assertParseError(String(rockSaltSymmetric.dropLast(8)), mentions: "not a multiple of")
    assertParseError("", mentions: "no data_ block")
    assertParseError(
      rockSaltSymmetric.replacingOccurrences(of: "_cell_length_c 5.640\n", with: ""),
      mentions: "missing _cell_length_c")
  }

  func testElementSymbolsFromLabels() {
    XCTAssertEqual(CIF.elementSymbol("Fe2+"), "Fe")
    XCTAssertEqual(CIF.elementSymbol("O1"), "O")
    XCTAssertEqual(CIF.elementSymbol("CA"), "Ca")
    XCTAssertEqual(CIF.elementSymbol("C12"), "C")
  }

  /// Finite cell lengths whose volume overflows once made a lattice without an inverse (found
  /// through the POSCAR reader under scripts/fuzz.sh).
  func testOverflowingCellVolumeIsAnError() {
    assertParseError(
      rockSaltSymmetric.replacingOccurrences(of: "5.640", with: "1e200"),
      mentions: "volume overflows")
  }

  /// 192 operations times 200 sites, all distinct: merging duplicates compared every pair of
  /// the 38,400 generated sites, and such an input hung the CIF fuzz target for minutes.
  func testManySymmetryImagesParseQuickly() throws {
    func cif(operations: Int, sites: Int) -> String {
      "data_x\n_cell_length_a 10\n_cell_length_b 10\n_cell_length_c 10\n"
        + "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
        + "loop_\n_symmetry_equiv_pos_as_xyz\n"
        + (0..<operations).map { "'x+\($0)/\(operations),y,z'\n" }.joined()
        + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
        + (0..<sites).map { "C\($0) 0 \(Double($0) / Double(sites)) 0\n" }.joined()
    }
    let start = Date()
    XCTAssertEqual(
      try CIF.parse(cif(operations: 192, sites: 200), source: "x.cif")[0].count, 38_400)
    XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    assertParseError(
      cif(operations: 193, sites: 1),
      mentions: "193 symmetry operations; no space group has more than 192")
  }
}
