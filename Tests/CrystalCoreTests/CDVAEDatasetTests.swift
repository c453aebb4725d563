import Foundation
import TestSupport
import XCTest

@testable import CrystalCore

final class CDVAEDatasetTests: XCTestCase {
  func write(_ text: String) throws -> URL {
    let url = try SharedData.temporaryDirectory().appendingPathComponent("set.csv")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  let cif =
    "data_Fe\n_cell_length_a 2.87\n_cell_length_b 2.87\n_cell_length_c 2.87\n"
    + "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\nloop_\n"
    + "_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
    + "Fe 0 0 0\nFe 0.5 0.5 0.5\n"

  func testQuotedMultilineFieldsAndColumns() throws {
    let quotedCIF = cif.replacingOccurrences(of: "data_Fe", with: "data_Fe\n_title \"\"bcc\"\"")
    let url = try write(
      ",material_id,cif,note\n0,mp-13,\"\(cif)\",\"a, b\"\n1,mp-14,\"\(quotedCIF)\",x\n")
    let records = try CDVAEDataset.read(url)
    XCTAssertEqual(records.map(\.id), ["mp-13", "mp-14"])
    XCTAssertEqual(records[0].columns["note"], "a, b")
    XCTAssertEqual(records[1].structure.count, 2)
    XCTAssertEqual(try CDVAEDataset.read(url, limit: 1).count, 1)
  }

  func testBadRowsNameFileRowAndId() throws {
    let badElement = try write(
      "material_id,cif\nmp-1,\"\(cif.replacingOccurrences(of: "Fe 0 0 0", with: "Qq 0 0 0"))\"\n")
    // The one test of how a CrystalError reads; the others match its cases.
    assertError("set.csv: row 1 (mp-1)", "unknown element 'Qq'") {
      _ = try CDVAEDataset.read(badElement)
    }
    let truncated = try write("material_id,cif\nmp-1,\"\(cif.prefix(60))")
    assertThrows(
      CrystalError.parse(
        location: "set.csv: row 1", message: "unterminated quoted field (truncated file?)")
    ) { _ = try CDVAEDataset.read(truncated) }
    let noCIF = try write("material_id,structure\nmp-1,x\n")
    assertThrows(
      CrystalError.parse(
        location: "set.csv", message: "no `cif` column (columns: material_id, structure)")
    ) { _ = try CDVAEDataset.read(noCIF) }
  }

  func testStructureFileDispatch() throws {
    let directory = try SharedData.temporaryDirectory()
    let cifURL = directory.appendingPathComponent("fe.cif")
    try cif.write(to: cifURL, atomically: true, encoding: .utf8)
    XCTAssertEqual(try StructureFile.read(cifURL).first?.count, 2)
    let poscar = directory.appendingPathComponent("POSCAR")
    try POSCAR.write(try StructureFile.read(cifURL)[0]).write(
      to: poscar, atomically: true, encoding: .utf8)
    XCTAssertEqual(try StructureFile.read(poscar).first?.count, 2)
    XCTAssertThrowsError(try StructureFile.read(directory.appendingPathComponent("missing.cif")))
  }

  /// A row with fewer fields than the `material_id` column's position crashed the reader under
  /// scripts/fuzz.sh.
  func testRowEndingBeforeIdColumnIsAnError() throws {
    let url = try write("cif,formula,material_id\n\"\(cif)\",Fe\n")
    assertThrows(
      CrystalError.parse(
        location: "set.csv: row 1 (0)",
        message: "has 2 fields, the header has 3 (truncated file?)")
    ) { _ = try CDVAEDataset.read(url) }
  }
}
