import CrystalCore
import CrystalModels
import Foundation
import StructureMatching
import TensorEngine

/// How well a VAE reconstructs structures when decoding their latent means: the fraction of
/// structures the structure matcher accepts, atom-type accuracy, the mean periodic error of
/// fractional coordinates, and the mean relative error of lattice lengths.
public struct ReconstructionReport: CustomStringConvertible {
  let structures: Int
  let matchRate: Double
  let typeAccuracy: Double
  let coordinateError: Double
  let lengthError: Double

  public init(vae: CrystalVAE, structures originals: [Structure]) {
    let tokens = vae.configuration.maxAtoms
    let batch = CrystalBatchTensors(originals, tokens: tokens)
    let decoded = vae.decodeStructures(
      vae.encode(batch).mean.data, weights: batch.weights, ids: originals.map(\.id))
    let matcher = StructureMatcher()
    var matches = 0
    var typesRight = 0
    var atoms = 0
    var coordinateError = 0.0
    var lengthError = 0.0
    for (original, rebuilt) in zip(originals, decoded) {
      if matcher.fit(original, rebuilt) { matches += 1 }
      for (a, b) in zip(original.sites, rebuilt.sites) {
        atoms += 1
        if a.element == b.element { typesRight += 1 }
        let d = a.fractional - b.fractional
        let folded = d - d.rounded(.toNearestOrAwayFromZero)
        coordinateError += (folded * folded).sum().squareRoot()
      }
      let (l0, l1) = (original.lattice.lengths, rebuilt.lattice.lengths)
      lengthError += ((l1 - l0) / l0).magnitudeSum / 3
    }
    structures = originals.count
    matchRate = Double(matches) / Double(originals.count)
    typeAccuracy = Double(typesRight) / Double(atoms)
    self.coordinateError = coordinateError / Double(atoms)
    self.lengthError = lengthError / Double(originals.count)
  }

  public var description: String {
    String(
      format:
        "reconstruction of %d structures: match rate %.3f (structure matcher), atom types %.3f, "
        + "mean fractional-coordinate error %.4f, mean lattice-length error %.2f%%",
      structures, matchRate, typeAccuracy, coordinateError, 100 * lengthError)
  }
}

extension SIMD3 where Scalar == Double {
  fileprivate var magnitudeSum: Double { abs(x) + abs(y) + abs(z) }
}
