import CrystalConfig
import CrystalModels
import DNGAlgorithms
import DNGMetricProviders
import EnergyCalculation
import Foundation
import ReferenceData
import RewardPipeline

/// Registers the metrics the DNG components need (unique, novel, creativity_distance,
/// e_above_hull, structure_diversity, composition_diversity), building only the parts the
/// pipeline requires: the reference set (`reference_dataset`), its energies from the
/// `energy_calculator` (see `EnergyCalculatorSpec`), the hull's extra entries
/// (`hull_references`, see `HullReferences`), and the reference features (from the
/// run's VAE as in Chemeleon2, or from descriptors when there is no VAE).
struct DNGMetricsSetup {
  static let metricNames: Set<String> = [
    "unique", "novel", "creativity_distance", "e_above_hull", "structure_diversity",
    "composition_diversity",
  ]

  /// The reference set of a dataset name or path, with its matcher's memos.
  let reference: (String) throws -> ReferenceContext
  let log: @Sendable (String) -> Void
  let cacheDirectory: URL
  /// The VAE whose latents give the diversity features; nil for descriptor features.
  let vae: () throws -> CrystalVAE?
  /// The energy calculator behind e_above_hull; nil when the pipeline does not need it.
  let energyCalculator: EnergyCalculator?

  /// Registers the providers of the metrics in `required` that are DNG metrics, against the
  /// reference set `referenceDataset` names, with `hullReferences` beside it for e_above_hull.
  func register(
    _ required: Set<String>, referenceDataset: ConfigNode, hullReferences: HullReferences,
    into registry: inout MetricRegistry
  ) throws {
    let needed = required.intersection(Self.metricNames)
    guard !needed.isEmpty else { return }
    guard let name = try referenceDataset.optional({ try $0.string() }) else {
      throw referenceDataset.error(
        "is required by \(needed.sorted().joined(separator: ", ")): give a dataset name under "
          + "configs/data/, `builtin`, or a path to a CDVAE-layout CSV")
    }
    let context = try self.reference(name)
    let reference = context.reference
    if needed.contains("unique") { registry.register(UniqueMetric(context: context)) }
    if needed.contains("novel") { registry.register(NovelMetric(context: context)) }
    if needed.contains("creativity_distance") {
      registry.register(CreativityDistanceMetric(context: context))
    }
    if needed.contains("e_above_hull") {
      guard let energyCalculator else {
        throw RewardError.metric(name: "e_above_hull", message: "no energy calculator configured")
      }
      registry.register(
        try energyAboveHull(
          reference: reference, calculator: energyCalculator, hullReferences: hullReferences))
    }
    let diversity = needed.intersection(["structure_diversity", "composition_diversity"])
    if !diversity.isEmpty {
      let vae = try self.vae()
      log(
        "diversity features: "
          + (vae == nil ? "descriptors (no VAE)" : "the VAE's mean latents and type embeddings"))
      for name in diversity {
        registry.register(
          DiversityMetric(
            name: name, featurizer: featurizer(name, vae: vae), reference: reference.structures))
      }
    }
  }

  private func featurizer(_ metric: String, vae: CrystalVAE?) -> any Featurizer {
    let structure = metric == "structure_diversity"
    guard let vae else {
      return structure ? StructureDescriptor() as any Featurizer : CompositionDescriptor()
    }
    return VAEFeaturizer(vae: vae, kind: structure ? .structure : .composition)
  }

  /// `e_above_hull` against `reference`'s hull (its energies and relaxed elemental references,
  /// computed once and cached) and the entries `hullReferences` add, energies from
  /// `calculator`.
  func energyAboveHull(
    reference: ReferenceSet, calculator: EnergyCalculator, hullReferences: HullReferences
  ) throws -> EnergyAboveHullMetric {
    let cache = ValueCache(directory: cacheDirectory)
    var entries = try ReferenceEnergies.entries(
      for: reference, calculator: calculator, cache: cache, log: log)
    var prototypes: PrototypeHullEntries?
    for source in hullReferences.sources {
      switch source {
      case .prototypes:
        prototypes = PrototypeHullEntries(calculator: calculator, cache: cache, log: log)
      case .entries(let path):
        let added = try HullEntryFile.read(URL(fileURLWithPath: path))
        log("hull references: \(added.count) entries from \(path)")
        entries += added
      }
    }
    return EnergyAboveHullMetric(
      calculator: calculator, hull: ReferenceHull(references: entries, prototypes: prototypes))
  }
}
