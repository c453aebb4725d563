/// Chemeleon2's CustomReward example as a built-in Swift component: atomic density N/V in
/// atoms/Å³, or -|N/V - target| when a target density is given.
public final class AtomicDensityReward: RewardComponent {
  public let name: String
  public let targetDensity: Double?
  public var requiredMetrics: [String] { ["density"] }

  public init(targetDensity: Double? = nil) {
    self.targetDensity = targetDensity
    self.name = targetDensity == nil ? "atomic_density" : "target_density"
  }

  public func compute(_ batch: StructureBatch, metrics: MetricTable) throws -> [Double] {
    let density = metrics["density"]!.values
    guard let targetDensity else { return density }
    return density.map { -abs($0 - targetDensity) }
  }
}
