/// One atom of a structure: its element and fractional coordinates.
public struct Site: Hashable, Sendable {
  public var element: Element
  /// Fractional coordinates with respect to the structure's lattice.
  public var fractional: Vector3

  public init(element: Element, fractional: Vector3) {
    self.element = element
    self.fractional = fractional
  }
}

/// A periodic crystal structure: a lattice plus the atoms of one unit cell.
public struct Structure: Hashable, Sendable {
  public let lattice: Lattice
  public let sites: [Site]
  /// An identifier carried from the source (material_id, file name, prototype label).
  public var id: String

  /// A structure; throws when it has no atoms or a coordinate is not finite.
  public init(lattice: Lattice, sites: [Site], id: String = "") throws {
    guard !sites.isEmpty else { throw CrystalError.invalidStructure("structure has no atoms") }
    for (index, site) in sites.enumerated()
    where !(site.fractional.x.isFinite && site.fractional.y.isFinite && site.fractional.z.isFinite)
    {
      throw CrystalError.invalidStructure(
        "site \(index) (\(site.element)) has non-finite coordinates \(site.fractional)")
    }
    self.lattice = lattice
    self.sites = sites
    self.id = id
  }

  /// A structure from parallel arrays of elements and fractional coordinates.
  public init(lattice: Lattice, elements: [Element], fractional: [Vector3], id: String = "") throws
  {
    precondition(elements.count == fractional.count, "one coordinate per element")
    try self.init(
      lattice: lattice, sites: zip(elements, fractional).map { Site(element: $0, fractional: $1) },
      id: id)
  }

  public var count: Int { sites.count }
  public var elements: [Element] { sites.map(\.element) }
  public var volume: Double { lattice.volume }

  /// Cartesian coordinates of every site, in Å.
  public var cartesianCoordinates: [Vector3] { sites.map { lattice.cartesian($0.fractional) } }

  public var composition: Composition { Composition(elements) }

  /// Atoms per Å³.
  public var atomicDensity: Double { Double(count) / volume }

  /// Mass density in g/cm³.
  public var density: Double {
    composition.weight / volume * Structure.amuPerCubicAngstromInGramsPerCubicCm
  }

  /// 1 amu/Å³ in g/cm³ (1.66053906660e-24 g / 1e-24 cm³).
  public static let amuPerCubicAngstromInGramsPerCubicCm = 1.66053906660
}
