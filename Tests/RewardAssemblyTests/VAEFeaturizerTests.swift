import CrystalCore
import CrystalModels
import DNGAlgorithms
import DNGMetricProviders
import RewardAssembly
import RewardPipeline
import TensorEngine
import TestSupport
import XCTest

/// Chemeleon2's diversity features from a VAE: per-structure means of the latents and of the
/// type embeddings, independent of how the batch is padded.
final class VAEFeaturizerTests: XCTestCase {
  func vae() -> CrystalVAE {
    var random = SeededRandom(seed: 21)
    return CrystalVAE(.init(width: 16, heads: 2, depth: 1, maxAtoms: 5), random: &random)
  }

  func testMeansOfLatentsAndTypeEmbeddings() throws {
    let vae = vae()
    let perovskites = try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 6)
    let carbon = try CDVAEDataset.read(SharedData.url("carbon_24/val.csv"), limit: 4)
    let structures = perovskites.map(\.structure) + carbon.map(\.structure)
    let structure = VAEFeaturizer(vae: vae, kind: .structure)
    let composition = VAEFeaturizer(vae: vae, kind: .composition)
    XCTAssertEqual(structure.dimension, 8)
    XCTAssertEqual(composition.dimension, 16)

    // One padded batch of mixed sizes gives each structure's own features.
    let together = structure.matrix(structures)
    for (index, item) in structures.enumerated() {
      let alone = structure.features(item)
      let row = Array(together.values[index * 8..<(index + 1) * 8])
      for (a, b) in zip(alone, row) { XCTAssertEqual(a, b, accuracy: 1e-5) }
      // The latent mean over atoms, by hand.
      let batch = CrystalBatchTensors([item], tokens: item.count)
      let latents = vae.encode(batch).mean.data
      for dimension in 0..<8 {
        let mean =
          (0..<item.count).map { Double(latents[$0 * 8 + dimension]) }.reduce(0, +)
          / Double(item.count)
        XCTAssertEqual(alone[dimension], mean, accuracy: 1e-5)
      }
    }

    // Composition features see only the atom types.
    let original = perovskites[0].structure
    let moved = try Structure(
      lattice: try Lattice.cubic(7.0), elements: original.sites.map(\.element),
      fractional: original.sites.map { ($0.fractional + Vector3(0.1, 0.2, 0.3)) })
    XCTAssertEqual(composition.features(original), composition.features(moved))
    XCTAssertNotEqual(structure.features(original), structure.features(moved))
    XCTAssertNotEqual(
      composition.features(original), composition.features(perovskites[1].structure))

    // As the diversity metric's featurizer.
    let metric = DiversityMetric(
      name: "structure_diversity", featurizer: structure,
      reference: try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 200).map(
        \.structure))
    let rewards = try metric.compute(StructureBatch(structures), metrics: [:]).values
    XCTAssertEqual(rewards.count, structures.count)
    XCTAssertTrue(rewards.allSatisfy(\.isFinite))
  }
}
