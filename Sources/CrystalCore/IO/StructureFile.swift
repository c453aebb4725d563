import Foundation

/// Reads structures from a file of any supported format, chosen by name and content:
/// `.csv` (CDVAE layout), `.cif`, and POSCAR/CONTCAR/`.vasp`/`.poscar`.
public enum StructureFile {
  public static func read(_ url: URL, limit: Int? = nil) throws -> [Structure] {
    let name = url.lastPathComponent
    let lower = name.lowercased()
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw CrystalError.parse(location: url.path, message: "no such file")
    }
    if lower.hasSuffix(".csv") {
      return try CDVAEDataset.read(url, limit: limit).map(\.structure)
    }
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw CrystalError.parse(location: url.path, message: "cannot read as UTF-8 text: \(error)")
    }
    let isPOSCAR =
      lower.hasSuffix(".vasp") || lower.hasSuffix(".poscar") || lower.hasPrefix("poscar")
      || lower.hasPrefix("contcar")
    let structures =
      isPOSCAR || (!lower.hasSuffix(".cif") && !text.contains("data_"))
      ? [try POSCAR.parse(text, source: name)] : try CIF.parse(text, source: name)
    return limit.map { Array(structures.prefix($0)) } ?? structures
  }
}
