import CrystalCore
import CrystalModels
import CrystalTraining
import TensorEngine
import TestSupport
import XCTest

/// The property predictor on a frozen VAE: it learns a property from the latents, and its
/// checkpoint restores the same predictions.
final class PropertyPredictorTests: XCTestCase {
  /// A small untrained VAE: its latents still carry the composition the target depends on.
  func smallVAE() -> CrystalVAE {
    var random = SeededRandom(seed: 3)
    return CrystalVAE(.init(width: 32, depth: 1, maxAtoms: 8), random: &random)
  }

  func testLearnsMeanAtomicNumberFarBetterThanTheMean() throws {
    let structures = PrototypeLibrary.structures().filter { $0.count <= 8 }
    let targets = structures.map { s in
      Double(s.sites.map(\.element.z).reduce(0, +)) / Double(s.count)
    }
    let (training, validation) = (
      Array(structures.indices.filter { $0 % 5 != 0 }),
      Array(structures.indices.filter { $0 % 5 == 0 })
    )
    let trainingTargets = training.map { targets[$0] }
    let mean = trainingTargets.reduce(0, +) / Double(training.count)
    let std =
      (trainingTargets.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
      / Double(training.count - 1)).squareRoot()
    var random = SeededRandom(seed: 4)
    let predictor = PropertyPredictor(
      vae: smallVAE(),
      configuration: .init(targetName: "mean_z", mean: mean, std: std), random: &random)
    let vaeBefore = predictor.vae.parameters.map(\.data)
    ModelTraining.trainPredictor(
      predictor, features: predictor.features(training.map { structures[$0] }),
      targets: trainingTargets,
      options: .init(steps: 600, batchSize: 64, learningRate: 3e-3, seed: 5)
    ) { _, _ in }
    XCTAssertEqual(predictor.vae.parameters.map(\.data), vaeBefore, "the VAE stays frozen")

    let predicted = predictor.predict(validation.map { structures[$0] })
    let actual = validation.map { targets[$0] }
    let error = zip(predicted, actual).map { abs($0 - $1) }.reduce(0, +) / Double(actual.count)
    let baseline = actual.map { abs($0 - mean) }.reduce(0, +) / Double(actual.count)
    print(
      "mean-Z predictor on \(validation.count) held-out prototypes: MAE \(error), "
        + "predicting the mean: \(baseline)")
    XCTAssertLessThan(error, 0.35 * baseline)

    let url = try SharedData.temporaryDirectory().appendingPathComponent("p.safetensors")
    try ModelCheckpoint.save(predictor, to: url)
    let restored = try ModelCheckpoint.loadPredictor(url)
    XCTAssertEqual(restored.configuration, predictor.configuration)
    XCTAssertEqual(restored.predict(validation.map { structures[$0] }), predicted)
    XCTAssertThrowsError(try ModelCheckpoint.loadVAE(url)) { error in
      XCTAssertTrue("\(error)".contains("crystalrl.predictor checkpoint, not crystalrl.vae"))
    }
  }
}
