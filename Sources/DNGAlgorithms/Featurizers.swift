import CrystalCore
import Foundation
import Parallelism

/// Maps a structure to a fixed-length feature vector; the diversity rewards compare such
/// vectors of generated and reference structures. Chemeleon2 uses its VAE's latents
/// (RewardAssembly's `VAEFeaturizer`); the descriptors below serve where no VAE is at hand.
public protocol Featurizer: Sendable {
  /// Length of every feature vector.
  var dimension: Int { get }
  func features(_ structure: Structure) -> [Double]
  /// The features of every structure, one row each (a featurizer may batch the work).
  func matrix(_ structures: [Structure]) -> FeatureMatrix
}

extension Featurizer {
  /// The features of every structure, one row each, featurized in parallel.
  public func matrix(_ structures: [Structure]) -> FeatureMatrix {
    let rows = Parallel.map(structures.count) { features(structures[$0]) }
    return FeatureMatrix(rows: structures.count, columns: dimension, values: rows.flatMap { $0 })
  }
}

/// Composition descriptor: fraction-weighted mean, standard deviation, minimum and maximum of
/// atomic number, period, group and electronegativity (each scaled to about [0, 1]), plus the
/// number of distinct elements / 10.
public struct CompositionDescriptor: Featurizer {
  public init() {}
  public var dimension: Int { 17 }

  public func features(_ structure: Structure) -> [Double] {
    let composition = structure.composition
    let elements = composition.elements
    let fractions = elements.map { composition.fraction(of: $0) }
    let properties: [(Element) -> Double] = [
      { Double($0.z) / 100 }, { Double($0.period) / 7 }, { Double($0.group) / 18 },
      { ($0.electronegativity ?? 0) / 4 },
    ]
    var out: [Double] = []
    for property in properties {
      let values = elements.map(property)
      let mean = zip(values, fractions).reduce(0) { $0 + $1.0 * $1.1 }
      let variance = zip(values, fractions).reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) }
      out += [mean, variance.squareRoot(), values.min()!, values.max()!]
    }
    return out + [Double(elements.count) / 10]
  }
}

/// Structure descriptor: cube root of the volume per atom, the sorted lattice lengths relative
/// to the longest, the sorted cosines of the cell angles, and the first 16 AMD entries in units
/// of the cube root of the volume per atom (scale-free geometry).
public struct StructureDescriptor: Featurizer {
  public init() {}
  public static let amdEntries = 16
  public var dimension: Int { 7 + StructureDescriptor.amdEntries }

  public func features(_ structure: Structure) -> [Double] {
    let scale = cbrt(structure.volume / Double(structure.count))
    let lengths = structure.lattice.lengths
    let sortedLengths = [lengths.x, lengths.y, lengths.z].sorted()
    let angles = structure.lattice.angles
    let cosines = [angles.x, angles.y, angles.z].map { cos($0 * .pi / 180) }.sorted()
    let amd = AverageMinimumDistance.vector(structure, k: StructureDescriptor.amdEntries)
    return [scale / 3] + sortedLengths.map { $0 / sortedLengths[2] } + cosines
      + amd.map { $0 / scale }
  }
}
