import CrystalCore
import Foundation
import ReferenceOracles

/// The first `count` structures of perov_5/val.csv.
func benchmarkStructures(count: Int) throws -> [Structure] {
  try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: count).map(\.structure)
}
