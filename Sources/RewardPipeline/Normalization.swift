/// A normalization applied to a vector of rewards. `nil` in configs means
/// "unchanged"; any other name is a configuration error.
public enum Normalization: String, CaseIterable, Sendable {
  /// (x - min) / (max - min + eps) clamped to [0, 1]; zeros when max - min < eps.
  case norm
  /// (x - mean) / (std + eps) with the sample (n-1) standard deviation; zeros when std < eps.
  case std
  /// x - mean.
  case subtractMean = "subtract_mean"
  /// Clamp to [-1, 1].
  case clip

  /// Parses a config value: nil, "null" or "none" give nil; unknown names throw, listing the
  /// valid ones.
  public static func parse(_ name: String?) throws -> Normalization? {
    guard let name, !["null", "none", "~", ""].contains(name.lowercased()) else { return nil }
    guard let value = Normalization(rawValue: name) else {
      let valid = allCases.map(\.rawValue) + ["null"]
      throw RewardError.configuration(
        "unknown normalize_fn '\(name)'; valid: \(valid.joined(separator: ", "))")
    }
    return value
  }

  /// Applies the normalization to `values`. NaN values (abstaining structures) are left out of
  /// the statistics and stay NaN.
  public func apply(_ values: [Double], eps: Double) -> [Double] {
    let present = values.filter { !$0.isNaN }
    guard present.count < values.count else { return applyToPresent(values, eps: eps) }
    var normalized = applyToPresent(present, eps: eps).makeIterator()
    return values.map { $0.isNaN ? .nan : normalized.next()! }
  }

  /// The normalization of `values`, none of which is NaN.
  private func applyToPresent(_ values: [Double], eps: Double) -> [Double] {
    guard !values.isEmpty else { return values }
    switch self {
    case .norm:
      let (low, high) = (values.min()!, values.max()!)
      guard high - low >= eps else { return Array(repeating: 0, count: values.count) }
      return values.map { min(max((($0 - low) / (high - low + eps)), 0), 1) }
    case .std:
      let mean = values.reduce(0, +) / Double(values.count)
      guard values.count > 1 else { return Array(repeating: 0, count: values.count) }
      let variance =
        values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
      let std = variance.squareRoot()
      guard std >= eps else { return Array(repeating: 0, count: values.count) }
      return values.map { ($0 - mean) / (std + eps) }
    case .subtractMean:
      let mean = values.reduce(0, +) / Double(values.count)
      return values.map { $0 - mean }
    case .clip:
      return values.map { min(max($0, -1), 1) }
    }
  }

  /// Applies the normalization separately to each consecutive group of `groupSize` values
  /// (GRPO's group-relative advantages). `values.count` must be a multiple of `groupSize`.
  public func applyGroupwise(_ values: [Double], groupSize: Int, eps: Double) throws -> [Double] {
    guard groupSize > 0, values.count % groupSize == 0 else {
      throw RewardError.configuration(
        "cannot split \(values.count) rewards into groups of \(groupSize)")
    }
    return stride(from: 0, to: values.count, by: groupSize).flatMap {
      apply(Array(values[$0..<$0 + groupSize]), eps: eps)
    }
  }
}
