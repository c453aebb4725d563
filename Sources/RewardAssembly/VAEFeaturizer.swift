import CrystalCore
import CrystalModels
import DNGAlgorithms

/// Chemeleon2's diversity features, read from a trained VAE: for `structure_diversity` the mean
/// over a structure's atoms of the encoder's latent mean, for `composition_diversity` the mean
/// of its atoms' type embeddings.
// Sendable: the VAE is only read (forward passes build new tensors; the buffer pool locks).
public struct VAEFeaturizer: Featurizer, @unchecked Sendable {
  /// Which of the two feature sets.
  public enum Kind: Sendable {
    case structure
    case composition
  }

  let vae: CrystalVAE
  public let kind: Kind

  public init(vae: CrystalVAE, kind: Kind) {
    self.vae = vae
    self.kind = kind
  }

  public var dimension: Int {
    kind == .structure ? vae.configuration.latentDimension : vae.configuration.width
  }

  public func features(_ structure: Structure) -> [Double] { matrix([structure]).values }

  /// Featurizes the structures in padded chunks, one pass per chunk (the encoder runs only
  /// for structure features).
  public func matrix(_ structures: [Structure]) -> FeatureMatrix {
    var values: [Double] = []
    values.reserveCapacity(structures.count * dimension)
    for batch in CrystalBatchTensors.chunks(structures) {
      let means = kind == .structure ? vae.meanLatent(batch) : vae.meanTypeEmbedding(batch)
      values += means.data.map(Double.init)
    }
    return FeatureMatrix(rows: structures.count, columns: dimension, values: values)
  }
}
