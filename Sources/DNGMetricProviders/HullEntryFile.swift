import CrystalCore
import DNGAlgorithms
import Foundation

/// Phase-diagram entries a user brings (`hull_references: [csv:PATH]`), e.g. exported from the
/// Materials Project: a CSV whose header names a `composition` (or `formula`) column and an
/// `energy` (total eV of the formula as written) or `energy_per_atom` (eV/atom) column; other
/// columns (`material_id`, ...) are ignored, and `energy` is used when both are present.
///
/// ```
/// material_id,composition,energy_per_atom
/// mp-19770,Fe2O3,-6.84
/// mp-13,Fe,-8.47
/// ```
///
/// The energies must come from the same calculator (or a compatible one) as the run's
/// `energy_calculator`, or the hull mixes scales. A missing column, a non-finite energy or an
/// unknown element is an error naming the file and row.
public enum HullEntryFile {
  public static func read(_ url: URL) throws -> [PhaseEntry] {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw CrystalError.parse(location: url.path, message: "cannot read hull entries: \(error)")
    }
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      .enumerated().filter { !$0.element.allSatisfy(\.isWhitespace) }
    guard !lines.isEmpty else {
      throw CrystalError.parse(location: url.path, message: "hull entry file is empty")
    }
    let header = fields(lines.removeFirst().element)
    guard
      let compositionColumn = header.firstIndex(of: "composition")
        ?? header.firstIndex(of: "formula")
    else {
      throw CrystalError.parse(
        location: url.path,
        message: "hull entry file needs a `composition` (or `formula`) column; header: "
          + header.joined(separator: ","))
    }
    let totalColumn = header.firstIndex(of: "energy")
    guard let energyColumn = totalColumn ?? header.firstIndex(of: "energy_per_atom") else {
      throw CrystalError.parse(
        location: url.path,
        message: "hull entry file needs an `energy` (eV per formula as written) or "
          + "`energy_per_atom` (eV/atom) column; header: " + header.joined(separator: ","))
    }
    return try lines.enumerated().map { row, line in
      let location = "\(url.path): row \(row + 1) (line \(line.offset + 1))"
      let values = fields(line.element)
      guard values.count == header.count else {
        throw CrystalError.parse(
          location: location, message: "expected \(header.count) fields, got \(values.count)")
      }
      let composition: Composition
      do { composition = try Composition(formula: values[compositionColumn]) } catch {
        throw CrystalError.parse(location: location, message: "\(error)")
      }
      guard let energy = Double(values[energyColumn]), energy.isFinite else {
        throw CrystalError.parse(
          location: location,
          message: "energy '\(values[energyColumn])' of \(values[compositionColumn]) is not a "
            + "finite number")
      }
      return PhaseEntry(
        composition: composition,
        energy: totalColumn != nil ? energy : energy * Double(composition.atomCount))
    }
  }

  /// The fields of one line, trimmed, surrounding double quotes removed.
  private static func fields(_ line: Substring) -> [String] {
    line.split(separator: ",", omittingEmptySubsequences: false).map { field in
      var value = field.trimmingCharacters(in: .whitespaces)
      if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
        value = String(value.dropFirst().dropLast())
      }
      return value
    }
  }
}
