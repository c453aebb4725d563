/// How energies above the hull (eV/atom) become verdicts and summaries, shared by `evaluate`
/// and training's validation.
public enum HullVerdicts {
  /// Rounding allowed at a threshold: a structure on the hull computes as 0 to about 1e-15.
  public static let rounding = 1e-9

  /// Whether `energyAboveHull` is at most `threshold` (within `rounding`); false for NaN.
  public static func isWithin(_ energyAboveHull: Double, _ threshold: Double) -> Bool {
    energyAboveHull <= threshold + rounding
  }

  /// S.U.N. with the stable threshold, M.S.U.N. with the metastable one: within `threshold` of
  /// the hull, unique and novel.
  public static func isSUN(
    _ energyAboveHull: Double, within threshold: Double, unique: Bool, novel: Bool
  ) -> Bool {
    isWithin(energyAboveHull, threshold) && unique && novel
  }

  /// The median of the finite values; nil when there are none.
  public static func median(_ values: [Double]) -> Double? {
    let finite = values.filter(\.isFinite).sorted()
    guard !finite.isEmpty else { return nil }
    return (finite[(finite.count - 1) / 2] + finite[finite.count / 2]) / 2
  }
}
