import CrystalCore
import Foundation
import LocalCache

/// The reference structures the DNG metrics compare generated ones against (novelty, AMD
/// distances, convex hull, diversity), indexed by reduced formula. Loaded from a CDVAE-layout
/// CSV once and cached as a `StructureArchive` keyed by the file's content, so later runs
/// load even a 45k-structure set in well under a second.
public final class ReferenceSet: Sendable {
  /// Where the reference came from (a path).
  public let source: String
  /// Content hash of the source file (the cache key).
  public let sourceKey: UInt64
  public let structures: [Structure]
  /// Indices of `structures` by reduced formula.
  public let indicesByFormula: [String: [Int]]

  public init(source: String, sourceKey: UInt64, structures: [Structure]) {
    self.source = source
    self.sourceKey = sourceKey
    self.structures = structures
    var index: [String: [Int]] = [:]
    for (position, structure) in structures.enumerated() {
      index[structure.composition.reducedFormula, default: []].append(position)
    }
    indicesByFormula = index
  }

  /// Loads `url` through the archive cache in `cacheDirectory`.
  public static func load(_ url: URL, cacheDirectory: URL) throws -> ReferenceSet {
    let key = try sourceKeyOrError(url)
    let archive = cacheDirectory.appendingPathComponent(
      "\(url.deletingPathExtension().lastPathComponent)-\(String(key, radix: 16)).crlarch")
    if let cached = try StructureArchive.read(from: archive, expectedKey: key) {
      return ReferenceSet(source: url.path, sourceKey: key, structures: cached.structures)
    }
    let structures = try CDVAEDataset.read(url).map(\.structure)
    try StructureArchive.write(structures, sourceKey: key, to: archive)
    return ReferenceSet(source: url.path, sourceKey: key, structures: structures)
  }

  /// The built-in prototype library as a reference set (no file, no cache needed).
  public static var builtin: ReferenceSet {
    ReferenceSet(
      source: "builtin", sourceKey: stableKey("builtin-prototype-library-v1"),
      structures: PrototypeLibrary.structures())
  }

  /// The default cache directory: `references/` under the cache root (`CacheRoot`).
  public static var defaultCacheDirectory: URL { CacheRoot.subdirectory("references") }

  /// The reference structures with the reduced formula of `structure`.
  public func sameFormula(as structure: Structure) -> [Int] {
    indicesByFormula[structure.composition.reducedFormula] ?? []
  }

  private static func sourceKeyOrError(_ url: URL) throws -> UInt64 {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw CrystalError.parse(location: url.path, message: "reference dataset not found")
    }
    return try ReferenceData.sourceKey(of: url)
  }
}
