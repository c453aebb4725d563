import CrystalCore
import DNGAlgorithms
import EnergyCalculation
import Foundation
import Parallelism
import RewardPipeline

/// `unique`: 1 for the first structure of each group of matching structures in the batch.
public final class UniqueMetric: MetricProvider {
  public let name = "unique"
  /// The reference set and the matcher's memos.
  public let context: ReferenceContext

  public init(context: ReferenceContext) { self.context = context }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    let groups = context.matcher.group(
      reduced: Parallel.map(batch.count) { context.reduced(batch.structures[$0]) })
    var values = [Double](repeating: 0, count: batch.count)
    for group in groups { values[group[0]] = 1 }
    return MetricColumn(name: name, values: values)
  }
}

/// `novel`: 1 when no reference structure of the same reduced formula matches.
public final class NovelMetric: MetricProvider {
  public let name = "novel"
  public var isPerStructure: Bool { true }
  /// The reference set and the matcher's memos.
  public let context: ReferenceContext

  public init(context: ReferenceContext) { self.context = context }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    let reference = context.reference
    let values = Parallel.map(batch.count) { index -> Double in
      let structure = batch.structures[index]
      let reduced = context.reduced(structure)
      let matched = reference.sameFormula(as: structure).contains {
        context.matcher.fit(context.reduced(reference.structures[$0]), reduced)
      }
      return matched ? 0 : 1
    }
    return MetricColumn(name: name, values: values)
  }
}

/// `creativity_distance`: the smallest non-zero AMD distance (k = 100, Chebyshev) from a
/// structure to the reference and batch structures of its reduced formula; 0 when every such
/// distance is zero (an exact duplicate) or there are none.
public final class CreativityDistanceMetric: MetricProvider {
  public let name = "creativity_distance"
  let context: ReferenceContext

  public init(context: ReferenceContext) { self.context = context }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    let reference = context.reference
    let batchByFormula = Dictionary(
      grouping: batch.structures.indices, by: { batch.structures[$0].composition.reducedFormula })
    let values = Parallel.map(batch.count) { index -> Double in
      let structure = batch.structures[index]
      let own = context.amd(structure)
      let others =
        reference.sameFormula(as: structure).map { reference.structures[$0] }
        + batchByFormula[structure.composition.reducedFormula]!.map { batch.structures[$0] }
      let distances = others.map { AverageMinimumDistance.distance(own, context.amd($0)) }
      return distances.filter { $0 > 0 }.min() ?? 0
    }
    return MetricColumn(name: name, values: values)
  }
}

/// `e_above_hull`: energy above the reference convex hull (`ReferenceHull`) in eV/atom
/// (negative below it), from the run's energy calculator; NaN where the energy or an elemental
/// reference is missing.
public final class EnergyAboveHullMetric: MetricProvider {
  public let name = "e_above_hull"
  public var isPerStructure: Bool { true }
  let calculator: EnergyCalculator
  let hull: ReferenceHull

  public init(calculator: EnergyCalculator, hull: ReferenceHull) {
    self.calculator = calculator
    self.hull = hull
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    let diagram = try hull.diagram(covering: batch.structures)
    let energies = calculator.totalEnergies(batch.structures)
    let values = zip(batch.structures, energies).map { structure, energy in
      energy.isFinite
        ? diagram.energyAboveHull(PhaseEntry(composition: structure.composition, energy: energy))
        : .nan
    }
    return MetricColumn(name: name, values: values)
  }
}

/// `structure_diversity` / `composition_diversity`: the per-structure MMD reward of the
/// batch's features against the reference set's.
public final class DiversityMetric: MetricProvider {
  public let name: String
  let featurizer: any Featurizer
  let mmd: MMDReward

  public init(name: String, featurizer: any Featurizer, reference: [Structure]) {
    self.name = name
    self.featurizer = featurizer
    mmd = MMDReward(reference: featurizer.matrix(reference))
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> MetricColumn {
    MetricColumn(name: name, values: mmd.rewards(featurizer.matrix(batch.structures)))
  }
}
