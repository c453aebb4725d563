import CrystalCore

/// A batch of structures laid out as flat structure-of-arrays buffers, the form reward
/// components and plugins read (see `crl_batch` in crystalrl_plugin.h).
public struct StructureBatch: Sendable {
  /// The structures, as given.
  public let structures: [Structure]
  /// Structure i owns atoms `atomOffsets[i] ..< atomOffsets[i + 1]`.
  public let atomOffsets: [UInt64]
  /// Atomic number of every atom.
  public let atomicNumbers: [Int32]
  /// Fractional coordinates, three per atom.
  public let fractionalCoordinates: [Double]
  /// Lattice matrices, nine per structure, row-major with rows a, b, c in Å.
  public let lattices: [Double]

  public init(_ structures: [Structure]) {
    self.structures = structures
    var offsets: [UInt64] = [0]
    var numbers: [Int32] = []
    var coordinates: [Double] = []
    var lattices: [Double] = []
    offsets.reserveCapacity(structures.count + 1)
    lattices.reserveCapacity(structures.count * 9)
    for structure in structures {
      for site in structure.sites {
        numbers.append(Int32(site.element.z))
        coordinates += [site.fractional.x, site.fractional.y, site.fractional.z]
      }
      offsets.append(UInt64(numbers.count))
      lattices += structure.lattice.matrix.flat
    }
    self.atomOffsets = offsets
    self.atomicNumbers = numbers
    self.fractionalCoordinates = coordinates
    self.lattices = lattices
  }

  public var count: Int { structures.count }
  public var atomCount: Int { atomicNumbers.count }
}
