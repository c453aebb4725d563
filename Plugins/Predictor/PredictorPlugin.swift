// Chemeleon2's PredictorReward as a Swift plugin: a property predictor trained on a frozen
// VAE's latents (`crystalrl train-predictor`) scores each structure of the batch, read
// straight from the batch's arrays; the prediction is clamped to [clip_min, clip_max] and
// becomes -(prediction - target_value)² when target_value is set, else the prediction itself.
// The plugin links the model code it needs; it speaks to the host only through
// crystalrl_plugin.h, and no Swift error or trap crosses that boundary.
import CrystalCore
import CrystalModels
import CrystalRLABI
import Foundation
import SwiftPluginKit

/// One configured predictor reward.
final class PredictorInstance: RewardInstance {
  let predictor: PropertyPredictor
  let targetValue: Double?
  let clipMin: Double?
  let clipMax: Double?

  /// Reads the component's JSON configuration and loads the predictor checkpoint.
  init(configJSON: String) throws {
    guard
      let object = try? JSONSerialization.jsonObject(with: Data(configJSON.utf8)),
      let config = object as? [String: Any]
    else { throw PluginFailure("configuration is not a JSON object: \(configJSON)") }
    func number(_ key: String) throws -> Double? {
      guard let value = config[key], !(value is NSNull) else { return nil }
      guard let number = value as? NSNumber, number.doubleValue.isFinite else {
        throw PluginFailure("\(key) must be a finite number or null, got \(value)")
      }
      return number.doubleValue
    }
    guard let path = config["predictor"] as? String, !path.isEmpty else {
      throw PluginFailure(
        "predictor must name a predictor checkpoint (a path, or ${hub:NAME} for one that "
          + "`crystalrl train-predictor` registered)")
    }
    do {
      predictor = try ModelCheckpoint.loadPredictor(URL(fileURLWithPath: path))
    } catch {
      throw PluginFailure("cannot load the predictor: \(error)")
    }
    let trained = predictor.configuration.targetName
    if let name = config["target_name"], !(name is NSNull) {
      guard name as? String == trained else {
        throw PluginFailure(
          "target_name '\(name)' is not what \(path) predicts; it was trained on '\(trained)'")
      }
    }
    targetValue = try number("target_value")
    clipMin = try number("clip_min")
    clipMax = try number("clip_max")
    if let clipMin, let clipMax, clipMin > clipMax {
      throw PluginFailure("clip_min \(clipMin) is larger than clip_max \(clipMax)")
    }
  }

  /// One reward per structure of `batch`.
  func rewards(_ batch: crl_batch) throws -> [Double] {
    let structures = try Self.structures(batch)
    return predictor.predict(structures).map { prediction in
      var value = prediction
      if let clipMin { value = max(value, clipMin) }
      if let clipMax { value = min(value, clipMax) }
      guard let targetValue else { return value }
      return -(value - targetValue) * (value - targetValue)
    }
  }

  /// The batch's structures, checked so the model code's preconditions always hold.
  static func structures(_ batch: crl_batch) throws -> [Structure] {
    let count = Int(batch.num_structures)
    guard
      count == 0
        || (batch.atom_offsets != nil && batch.atomic_numbers != nil && batch.frac_coords != nil
          && batch.lattices != nil)
    else { throw PluginFailure("the batch lacks atoms, coordinates or lattices") }
    return try (0..<count).map { index in
      let (start, end) = (batch.atom_offsets[index], batch.atom_offsets[index + 1])
      guard start <= end, end <= batch.num_atoms else {
        throw PluginFailure(
          "structure \(index) has atom offsets \(start)..<\(end) outside the batch")
      }
      let atoms = Int(start)..<Int(end)
      let elements = try atoms.map { atom -> Element in
        let z = Int(batch.atomic_numbers[atom])
        guard let element = Element(z: z) else {
          throw PluginFailure("structure \(index) has an atom with atomic number \(z)")
        }
        return element
      }
      let coordinates = atoms.map { atom in
        Vector3(
          batch.frac_coords[3 * atom], batch.frac_coords[3 * atom + 1],
          batch.frac_coords[3 * atom + 2])
      }
      let m = batch.lattices + 9 * index
      let rows = (0..<3).map { Vector3(m[3 * $0], m[3 * $0 + 1], m[3 * $0 + 2]) }
      do {
        return try Structure(
          lattice: try Lattice(matrix: Matrix3(rows: rows)), elements: elements,
          fractional: coordinates)
      } catch {
        throw PluginFailure("structure \(index): \(error)")
      }
    }
  }
}

private let create: CreateFunction = { _, configJSON, instance, errorBuffer, errorSize in
  createInstance(PredictorInstance.self, configJSON, instance, errorBuffer, errorSize)
}

private let compute: ComputeFunction = { instance, batch, output, errorBuffer, errorSize in
  computeInstance(PredictorInstance.self, instance, batch, output, errorBuffer, errorSize)
}

private let destroy: DestroyFunction = { instance in
  destroyInstance(PredictorInstance.self, instance)
}

/// Descriptors live for the life of the library, as the ABI requires.
private let plugin = pluginDescriptor(
  name: "predictor", version: "1.0.0",
  description: "Property-predictor reward (Swift example plugin).",
  components: [
    componentDescriptor(
      name: "predictor",
      description:
        "A property predictor on VAE latents as the reward (Chemeleon2's PredictorReward)",
      parameters: parameters, create: create, compute: compute, destroy: destroy)
  ])

private var parameters: [crl_param_desc] {
  [
    parameterDescriptor(
      "predictor", CRL_PARAM_STRING,
      "Predictor checkpoint: a path, or ${hub:NAME} (made by crystalrl train-predictor)",
      default: nil),
    parameterDescriptor(
      "target_name", CRL_PARAM_STRING,
      "The property the predictor was trained on (checked against the checkpoint)",
      default: "null"),
    parameterDescriptor(
      "target_value", CRL_PARAM_NUMBER,
      "Optimize toward this value: reward -(prediction - target_value)^2; null maximizes",
      default: "null"),
    parameterDescriptor(
      "clip_min", CRL_PARAM_NUMBER, "Lower bound of the prediction", default: "null"),
    parameterDescriptor(
      "clip_max", CRL_PARAM_NUMBER, "Upper bound of the prediction", default: "null"),
  ]
}

/// The plugin's one exported symbol.
@_cdecl("crystalrl_plugin_entry")
public func crystalrlPluginEntry(_ host: UnsafePointer<crl_host_api>?) -> UnsafePointer<
  crl_plugin_desc
>? {
  plugin.pointer
}
