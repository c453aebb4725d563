import CrystalModels
import Foundation
import TensorEngine
import TestSupport
import XCTest

final class ModelCheckpointTests: XCTestCase {
  func testRoundTripsAndClearErrors() throws {
    var random = SeededRandom(seed: 8)
    let configuration = CrystalVAE.Configuration(width: 8, heads: 2, depth: 1)
    let vae = CrystalVAE(configuration, random: &random)
    let model = LatentDiffusion(
      LatentDiffusion.Configuration(), latentDimension: 8, random: &random)
    model.standardization = LatentStandardization(
      mean: [1, 2, 3, 4, 5, 6, 7, 8],
      std: [
        0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4,
      ])
    let directory = try SharedData.temporaryDirectory()
    let vaeURL = directory.appendingPathComponent("vae.safetensors")
    let ldmURL = directory.appendingPathComponent("ldm.safetensors")
    try ModelCheckpoint.save(vae, to: vaeURL)
    try ModelCheckpoint.save(model, atomCounts: [2, 5, 5], to: ldmURL)
    let loaded = try ModelCheckpoint.loadVAE(vaeURL)
    XCTAssertEqual(loaded.configuration, configuration)
    XCTAssertEqual(loaded.parameters.map(\.data), vae.parameters.map(\.data))
    let (diffusion, counts) = try ModelCheckpoint.loadDiffusion(ldmURL)
    XCTAssertEqual(counts, [2, 5, 5])
    XCTAssertEqual(diffusion.parameters.map(\.data), model.parameters.map(\.data))
    XCTAssertEqual(diffusion.standardization, model.standardization)
    // A checkpoint from before standardization (no statistics) loads with the identity.
    let (tensors, metadata) = try Safetensors.readWithMetadata(ldmURL)
    try Safetensors.write(
      tensors.filter { !$0.key.hasPrefix("ldm.latent_") }, metadata: metadata, to: ldmURL)
    XCTAssertEqual(
      try ModelCheckpoint.loadDiffusion(ldmURL).model.standardization,
      LatentStandardization(identity: 8))
    XCTAssertThrowsError(try ModelCheckpoint.loadVAE(ldmURL)) { error in
      XCTAssertTrue(
        "\(error)".contains("is a crystalrl.ldm checkpoint, not crystalrl.vae"), "\(error)")
    }
    XCTAssertThrowsError(try ModelCheckpoint.loadVAE(directory.appendingPathComponent("none"))) {
      error in XCTAssertTrue("\(error)".contains("no checkpoint at"), "\(error)")
    }
    try Data("not a checkpoint".utf8).write(to: vaeURL)
    XCTAssertThrowsError(try ModelCheckpoint.loadVAE(vaeURL))
  }
}
