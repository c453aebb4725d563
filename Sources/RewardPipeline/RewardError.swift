/// Errors of the reward pipeline; each message says what was wrong and what is valid.
public enum RewardError: Error, CustomStringConvertible, Equatable {
  /// A configuration mistake: unknown key, unknown component, bad value.
  case configuration(String)
  /// A component failed while scoring a batch.
  case component(name: String, message: String)
  /// A metric provider failed or is unknown.
  case metric(name: String, message: String)
  /// The pipeline's total contained NaN.
  case nanReward(String)
  /// A component with `on_error: skip` failed on this batch; `underlying` is its error. A
  /// trainer catches this to skip the step (no update) and go on.
  case componentSkipped(component: String, underlying: String)

  public var description: String {
    switch self {
    case .configuration(let message): return "configuration error: \(message)"
    case .component(let name, let message): return "reward component '\(name)': \(message)"
    case .metric(let name, let message): return "metric '\(name)': \(message)"
    case .nanReward(let message): return "NaN reward: \(message)"
    case .componentSkipped(let component, let underlying):
      return "batch skipped: reward component '\(component)' failed (on_error: skip): \(underlying)"
    }
  }
}
