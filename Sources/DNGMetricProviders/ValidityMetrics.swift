import DNGAlgorithms
import RewardPipeline

/// The validity checks `crystalrl evaluate` reports, as metric columns a reward component can
/// request (1 when the structure passes, 0 when not): `valid`, structural validity as CDVAE and
/// Chemeleon2 count it (positive volume, every interatomic distance above 0.5 Å), and
/// `composition_valid`, SMACT's charge-neutrality and electronegativity rule.
///
/// ```swift
/// var registry = MetricRegistry.standard
/// for provider in ValidityMetrics.providers { registry.register(provider) }
/// ```
public enum ValidityMetrics {
  /// One provider per check, named as above.
  public static var providers: [MetricProvider] {
    [
      ScalarMetric(name: "valid") { $0.isStructurallyValid ? 1 : 0 },
      ScalarMetric(name: "composition_valid") {
        CompositionValidity.isValid($0.composition) ? 1 : 0
      },
    ]
  }
}
