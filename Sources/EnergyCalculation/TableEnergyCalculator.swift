import CrystalCore
import Foundation

/// Energies brought by the user (e.g. DFT numbers): a CSV file with a header naming an id
/// column (`id` or `material_id`) and either `energy` (eV per cell) or `energy_per_atom`
/// (eV/atom). Structures are looked up by `Structure.id`; unknown ids get NaN.
public final class TableEnergyCalculator: EnergyCalculator {
  public let identifier: String
  public var worthCaching: Bool { false }
  private let totals: [String: Double]
  private let perAtom: [String: Double]

  /// Reads the table; malformed files are an error naming the file and line.
  public init(url: URL) throws {
    identifier = "table:\(url.path)"
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw CrystalError.parse(location: url.path, message: "cannot read energy table: \(error)")
    }
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard !lines.isEmpty else {
      throw CrystalError.parse(location: url.path, message: "energy table is empty")
    }
    let header = lines.removeFirst().split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard let idColumn = header.firstIndex(where: { $0 == "id" || $0 == "material_id" }) else {
      throw CrystalError.parse(
        location: url.path, message: "energy table needs an `id` or `material_id` column")
    }
    let energyColumn = header.firstIndex(of: "energy")
    let perAtomColumn = header.firstIndex(of: "energy_per_atom")
    guard let valueColumn = energyColumn ?? perAtomColumn else {
      throw CrystalError.parse(
        location: url.path, message: "energy table needs an `energy` or `energy_per_atom` column")
    }
    var values: [String: Double] = [:]
    for (index, line) in lines.enumerated() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard fields.count == header.count, let value = Double(fields[valueColumn]) else {
        throw CrystalError.parse(
          location: "\(url.path): line \(index + 2)",
          message: "expected \(header.count) fields with a numeric energy, got '\(line)'")
      }
      values[fields[idColumn]] = value
    }
    totals = energyColumn != nil ? values : [:]
    perAtom = energyColumn == nil ? values : [:]
  }

  public func totalEnergies(_ structures: [Structure]) -> [Double] {
    structures.map { structure in
      if let total = totals[structure.id] { return total }
      if let energy = perAtom[structure.id] { return energy * Double(structure.count) }
      return .nan
    }
  }
}
