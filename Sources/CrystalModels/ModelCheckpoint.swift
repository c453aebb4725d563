import Foundation
import TensorEngine

/// Saving and loading the models as safetensors files whose metadata holds the model kind and
/// configuration (for diffusion models also the training set's atom counts; for predictors
/// also their VAE), so a checkpoint is all a later command or plugin needs.
public enum ModelCheckpoint {
  /// A checkpoint that cannot be used, with the reason.
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
  }

  public static func save(_ vae: CrystalVAE, to url: URL) throws {
    try Safetensors.write(
      vae.namedParameters,
      metadata: ["kind": "crystalrl.vae", "configuration": try json(vae.configuration)], to: url)
  }

  public static func loadVAE(_ url: URL) throws -> CrystalVAE {
    let (tensors, metadata) = try read(url, kind: "crystalrl.vae")
    let configuration = try decode(CrystalVAE.Configuration.self, metadata, url)
    var random = SeededRandom(seed: 0)
    let vae = CrystalVAE(configuration, random: &random)
    try restore(vae.namedParameters, from: tensors, url)
    return vae
  }

  /// Saves a diffusion model and its latent standardization with its training set's atom
  /// counts and, for a checkpoint in the middle of an RL run, the number of steps taken.
  public static func save(
    _ model: LatentDiffusion, atomCounts: [Int], step: Int? = nil, to url: URL
  ) throws {
    var metadata = [
      "kind": "crystalrl.ldm", "configuration": try json(model.configuration),
      "latent_dimension": String(model.latentDimension),
      "atom_counts": atomCounts.map(String.init).joined(separator: ","),
    ]
    if let step { metadata["step"] = String(step) }
    let standardization = model.standardization
    let d = standardization.mean.count
    try Safetensors.write(
      model.namedParameters.merging([
        latentMeanName: Tensor(shape: [d], data: standardization.mean),
        latentStdName: Tensor(shape: [d], data: standardization.std),
      ]) { $1 }, metadata: metadata, to: url)
  }

  /// The RL step a diffusion checkpoint was saved at (nil when it records none).
  public static func step(of url: URL) throws -> Int? {
    try read(url, kind: "crystalrl.ldm").1["step"].flatMap { Int($0) }
  }

  public static func loadDiffusion(_ url: URL) throws -> (model: LatentDiffusion, atomCounts: [Int])
  {
    let (tensors, metadata) = try read(url, kind: "crystalrl.ldm")
    let configuration = try decode(LatentDiffusion.Configuration.self, metadata, url)
    guard let latent = metadata["latent_dimension"].flatMap(Int.init),
      let counts = metadata["atom_counts"]?.split(separator: ",").compactMap({ Int($0) }),
      !counts.isEmpty
    else { throw Failure(description: "\(url.path): diffusion checkpoint lacks its metadata") }
    var random = SeededRandom(seed: 0)
    let model = LatentDiffusion(configuration, latentDimension: latent, random: &random)
    try restore(model.namedParameters, from: tensors, url)
    // Checkpoints from before standardization have no statistics: the identity is theirs.
    if let mean = tensors[latentMeanName], let std = tensors[latentStdName] {
      guard mean.count == latent, std.count == latent, std.data.allSatisfy({ $0 > 0 }) else {
        throw Failure(description: "\(url.path): unusable latent standardization")
      }
      model.standardization = LatentStandardization(mean: mean.data, std: std.data)
    }
    return (model, counts)
  }

  /// A predictor checkpoint holds its VAE too, so it is all PredictorReward needs.
  public static func save(_ predictor: PropertyPredictor, to url: URL) throws {
    try Safetensors.write(
      predictor.namedParameters,
      metadata: [
        "kind": "crystalrl.predictor", "configuration": try json(predictor.configuration),
        "vae_configuration": try json(predictor.vae.configuration),
      ], to: url)
  }

  public static func loadPredictor(_ url: URL) throws -> PropertyPredictor {
    let (tensors, metadata) = try read(url, kind: "crystalrl.predictor")
    let configuration = try decode(PropertyPredictor.Configuration.self, metadata, url)
    let vaeConfiguration = try decode(
      CrystalVAE.Configuration.self, metadata, url, key: "vae_configuration")
    var random = SeededRandom(seed: 0)
    let predictor = PropertyPredictor(
      vae: CrystalVAE(vaeConfiguration, random: &random), configuration: configuration,
      random: &random)
    try restore(predictor.namedParameters, from: tensors, url)
    return predictor
  }

  private static let latentMeanName = "ldm.latent_mean"
  private static let latentStdName = "ldm.latent_std"

  private static func read(_ url: URL, kind: String) throws -> (
    [String: Tensor], [String: String]
  ) {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw Failure(description: "no checkpoint at \(url.path)")
    }
    let (tensors, metadata) = try Safetensors.readWithMetadata(url)
    guard metadata["kind"] == kind else {
      throw Failure(
        description: "\(url.path) is a \(metadata["kind"] ?? "foreign") checkpoint, not \(kind)")
    }
    return (tensors, metadata)
  }

  private static func json<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
  }

  private static func decode<T: Decodable>(
    _ type: T.Type, _ metadata: [String: String], _ url: URL, key: String = "configuration"
  ) throws -> T {
    guard let text = metadata[key],
      let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    else { throw Failure(description: "\(url.path): unreadable model configuration") }
    return value
  }

  private static func restore(
    _ parameters: [String: Tensor], from tensors: [String: Tensor], _ url: URL
  )
    throws
  {
    for (name, parameter) in parameters {
      guard let saved = tensors[name], saved.shape == parameter.shape else {
        throw Failure(description: "\(url.path): tensor \(name) is missing or has the wrong shape")
      }
      parameter.data = saved.data
    }
  }
}
