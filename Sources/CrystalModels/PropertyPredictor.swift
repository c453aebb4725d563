import CrystalCore
import Foundation
import TensorEngine

/// A property predictor in the latent space of a frozen VAE (Chemeleon2's `PredictorModule`):
/// each structure's features are the mean over its atoms of the encoder's latent mean (and,
/// with `useEncoderFeatures`, of the encoder's hidden features); a small head
/// (Linear → LayerNorm → SiLU, twice, then Linear) maps them to the standardized target, and
/// `predict` returns values in the target's own units.
public final class PropertyPredictor {
  /// What the predictor predicts and the sizes of its head.
  public struct Configuration: Codable, Equatable {
    /// The dataset column the predictor was trained on (PredictorReward's `target_name`).
    public var targetName: String
    /// Mean and standard deviation of the target over the training set; the head predicts
    /// (y - mean) / (std + 1e-5).
    public var mean: Double
    public var std: Double
    /// Width of the head's two hidden layers.
    public var hidden = 128
    /// Whether the encoder's hidden features join the latent mean as input.
    public var useEncoderFeatures = true

    public init(targetName: String, mean: Double, std: Double) {
      self.targetName = targetName
      self.mean = mean
      self.std = std
    }
  }

  public let vae: CrystalVAE
  public let configuration: Configuration
  let layers: [Linear]
  let norms: [(gain: Tensor, bias: Tensor)]

  public init(vae: CrystalVAE, configuration: Configuration, random: inout SeededRandom) {
    self.vae = vae
    self.configuration = configuration
    let input =
      vae.configuration.latentDimension
      + (configuration.useEncoderFeatures ? vae.configuration.width : 0)
    let hidden = configuration.hidden
    layers = [
      Linear(input, hidden, random: &random), Linear(hidden, hidden, random: &random),
      Linear(hidden, 1, random: &random),
    ]
    norms = (0..<2).map { _ in
      (
        Tensor(shape: [hidden], data: [Float](repeating: 1, count: hidden), requiresGrad: true),
        Tensor.zeros([hidden], requiresGrad: true)
      )
    }
  }

  /// The head's trainable parameters (the VAE stays frozen).
  public var parameters: [Tensor] {
    layers.flatMap(\.parameters) + norms.flatMap { [$0.gain, $0.bias] }
  }

  /// Named tensors for checkpoints: the VAE's and the head's.
  public var namedParameters: [String: Tensor] {
    vae.namedParameters.merging(
      parameters.enumerated().map { ("head.\($0.offset)", $0.element) }
    ) { first, _ in first }
  }

  /// The head's input for each structure (structures × input width), computed by the frozen
  /// encoder in chunks.
  public func features(_ structures: [Structure]) -> Tensor {
    var rows: [Float] = []
    for batch in CrystalBatchTensors.chunks(structures) {
      let hidden = vae.encoderFeatures(batch)
      let latent = columns(vae.latentOut(hidden), 0..<vae.configuration.latentDimension)
      let perAtom = configuration.useEncoderFeatures ? concatColumns([latent, hidden]) : latent
      rows += setMean(perAtom, tokens: batch.tokens, weights: batch.weights).data
    }
    return Tensor(shape: [structures.count, rows.count / max(structures.count, 1)], data: rows)
  }

  /// The standardized prediction per row of `features` (rows × 1).
  public func head(_ features: Tensor) -> Tensor {
    var h = features
    for (layer, norm) in zip(layers, norms) {
      h = silu(layerNorm(layer(h), norm.gain, norm.bias))
    }
    return layers[2](h)
  }

  /// Mean squared error of the standardized prediction against `targets` in the target's units.
  public func loss(_ features: Tensor, targets: [Double]) -> Tensor {
    let standardized = targets.map { Float(($0 - configuration.mean) / (configuration.std + 1e-5)) }
    return mse(head(features), Tensor(shape: [targets.count, 1], data: standardized))
  }

  /// Predictions in the target's units for rows of `features`.
  public func predict(features: Tensor) -> [Double] {
    head(features).data.map { Double($0) * (configuration.std + 1e-5) + configuration.mean }
  }

  /// Predictions in the target's units for `structures`.
  public func predict(_ structures: [Structure]) -> [Double] {
    structures.isEmpty ? [] : predict(features: features(structures))
  }
}
