import CrystalCore
import Foundation
import TensorEngine

/// The variational autoencoder of crystals: a transformer encoder (DiT blocks conditioned on
/// the lattice) maps each atom to a small latent vector with a KL term, and a decoder maps
/// the latents back to atom types, fractional coordinates and the lattice.
public final class CrystalVAE {
  /// Sizes of the model.
  public struct Configuration: Codable, Equatable {
    public var width = 64
    public var latentDimension = 8
    public var heads = 4
    public var depth = 2
    public var maxAtoms = 20
    public var klWeight: Float = 1e-3

    public init(
      width: Int = 64, latentDimension: Int = 8, heads: Int = 4, depth: Int = 2,
      maxAtoms: Int = 20, klWeight: Float = 1e-3
    ) {
      self.width = width
      self.latentDimension = latentDimension
      self.heads = heads
      self.depth = depth
      self.maxAtoms = maxAtoms
      self.klWeight = klWeight
    }
  }

  public static let vocabulary = 104  // atomic numbers 1...103, 0 = padding
  public let configuration: Configuration
  let typeEmbedding: Tensor
  let coordinateIn: Linear
  let latticeIn: Linear
  let encoderBlocks: [DiTBlock]
  let latentOut: Linear
  let latentIn: Linear
  let poolIn: Linear
  let decoderBlocks: [DiTBlock]
  let typeOut: Linear
  let coordinateOut: Linear
  let latticeOut: Linear

  public init(_ configuration: Configuration, random: inout SeededRandom) {
    self.configuration = configuration
    let (c, d) = (configuration.width, configuration.latentDimension)
    typeEmbedding = random.normalTensor([Self.vocabulary, c], std: 0.5, requiresGrad: true)
    coordinateIn = Linear(6, c, random: &random)
    latticeIn = Linear(6, c, random: &random)
    encoderBlocks = (0..<configuration.depth).map { _ in
      DiTBlock(width: c, heads: configuration.heads, random: &random)
    }
    latentOut = Linear(c, 2 * d, random: &random, std: 0.02)
    latentIn = Linear(d, c, random: &random)
    poolIn = Linear(d, c, random: &random)
    decoderBlocks = (0..<configuration.depth).map { _ in
      DiTBlock(width: c, heads: configuration.heads, random: &random)
    }
    typeOut = Linear(c, Self.vocabulary, random: &random)
    coordinateOut = Linear(c, 6, random: &random)
    latticeOut = Linear(c, 6, random: &random)
  }

  public var parameters: [Tensor] {
    [typeEmbedding]
      + [coordinateIn, latticeIn, latentOut, latentIn, poolIn, typeOut, coordinateOut, latticeOut]
      .flatMap(\.parameters) + (encoderBlocks + decoderBlocks).flatMap(\.parameters)
  }

  /// Named tensors for checkpoints.
  public var namedParameters: [String: Tensor] {
    Dictionary(
      uniqueKeysWithValues: parameters.enumerated().map { ("vae.\($0.offset)", $0.element) })
  }

  /// Per-atom latent mean and log-variance ((sets·tokens) × latent each).
  public func encode(_ batch: CrystalBatchTensors) -> (mean: Tensor, logVariance: Tensor) {
    let d = configuration.latentDimension
    let out = latentOut(encoderFeatures(batch))
    return (columns(out, 0..<d), columns(out, d..<2 * d))
  }

  /// Chemeleon2's structure features of each set: the mean over its atoms of the encoder's
  /// latent mean (sets × latent).
  public func meanLatent(_ batch: CrystalBatchTensors) -> Tensor {
    setMean(encode(batch).mean, tokens: batch.tokens, weights: batch.weights)
  }

  /// Chemeleon2's composition features of each set: the mean over its atoms of the atom-type
  /// embedding (sets × width); no encoder pass.
  public func meanTypeEmbedding(_ batch: CrystalBatchTensors) -> Tensor {
    setMean(embedding(typeEmbedding, batch.types), tokens: batch.tokens, weights: batch.weights)
  }

  /// The encoder's last hidden features per token ((sets·tokens) × width), from which the
  /// latent is read out.
  public func encoderFeatures(_ batch: CrystalBatchTensors) -> Tensor {
    let tokens = batch.tokens
    var h =
      embedding(typeEmbedding, batch.types)
      + coordinateIn(Tensor(shape: [batch.sets * tokens, 6], data: batch.coordinates))
    let condition = latticeIn(Tensor(shape: [batch.sets, 6], data: batch.lattices))
    for block in encoderBlocks {
      h = block(h, condition: condition, tokens: tokens, mask: batch.mask)
    }
    return h
  }

  /// Decoder outputs: type logits and coordinate features per token, lattice features per set.
  public func decode(_ z: Tensor, tokens: Int, weights: [Float]) -> (
    types: Tensor, coordinates: Tensor, lattices: Tensor
  ) {
    let mask = weights.map { $0 != 0 }
    var h = latentIn(z)
    let condition = poolIn(setMean(z, tokens: tokens, weights: weights))
    for block in decoderBlocks { h = block(h, condition: condition, tokens: tokens, mask: mask) }
    return (typeOut(h), coordinateOut(h), latticeOut(setMean(h, tokens: tokens, weights: weights)))
  }

  /// Decodes per-atom latents (for example the end of a sampling trajectory) into structures:
  /// the most likely element of each real token, its coordinates, and the set's lattice.
  public func decodeStructures(_ latents: [Float], weights: [Float], ids: [String])
    -> [Structure]
  {
    let tokens = configuration.maxAtoms
    let z = Tensor(shape: [weights.count, configuration.latentDimension], data: latents)
    let decoded = decode(z, tokens: tokens, weights: weights)
    let vocabulary = Self.vocabulary
    let types = (0..<weights.count).map { row -> Int in
      let logits = decoded.types.data[row * vocabulary + 1..<(row + 1) * vocabulary]
      return logits.indices.max { logits[$0] < logits[$1] }! - row * vocabulary
    }
    return CrystalBatchTensors.structures(
      types: types, coordinates: decoded.coordinates.data, lattices: decoded.lattices.data,
      mask: weights.map { $0 != 0 }, tokens: tokens, ids: ids)
  }

  /// The training loss of a batch: reconstruction (types, coordinates, lattice) + β·KL, with
  /// its parts for logging.
  public func loss(_ batch: CrystalBatchTensors, random: inout SeededRandom) -> (
    total: Tensor, types: Float, coordinates: Float, lattice: Float, kl: Float
  ) {
    let (mean, logVariance) = encode(batch)
    let noise = random.normalTensor(mean.shape)
    let z = mean + exp(scale(logVariance, 0.5)) * noise
    let decoded = decode(z, tokens: batch.tokens, weights: batch.weights)
    let rows = batch.realRows
    let typeLoss = crossEntropy(embedding(decoded.types, rows), rows.map { batch.types[$0] })
    let target = Tensor(shape: [batch.sets * batch.tokens, 6], data: batch.coordinates)
    let coordinateLoss = mse(embedding(decoded.coordinates, rows), embedding(target, rows))
    let latticeLoss = mse(decoded.lattices, Tensor(shape: [batch.sets, 6], data: batch.lattices))
    let realMean = embedding(mean, rows)
    let realLogVariance = embedding(logVariance, rows)
    let kl = scale(
      TensorEngine.mean(shift(realMean * realMean + exp(realLogVariance) - realLogVariance, -1)),
      0.5)
    let total = typeLoss + coordinateLoss + latticeLoss + scale(kl, configuration.klWeight)
    return (total, typeLoss.data[0], coordinateLoss.data[0], latticeLoss.data[0], kl.data[0])
  }
}
