/// What reward components and metric providers have in common: parameters, required metrics,
/// `width` output values per structure, and whether NaN is a valid output.
public protocol PluginComputationInfo: Sendable {
  var subject: PluginSubject { get }
  var description: String { get }
  var parameters: [PluginParameter] { get }
  var requiredMetrics: [String] { get }
  /// Output values per structure (1 for a reward component).
  var width: Int { get }
  var outputMayBeNaN: Bool { get }
}

extension PluginComputationInfo {
  /// Checks a compute result for `structures` structures: the plugin reported writing exactly
  /// `structures × width` values, none infinite, and NaN only if it declared NaN meaningful.
  func validate(_ values: [Double], count: Int, structures: Int) throws {
    guard count == structures * width else {
      throw PluginError.wrongCount(
        subject: subject, structures: structures, width: width, got: count)
    }
    if let index = values.firstIndex(where: \.isInfinite) {
      throw PluginError.infiniteOutput(
        subject: subject, index: index / width, negative: values[index] < 0)
    }
    if !outputMayBeNaN, let index = values.firstIndex(where: \.isNaN) {
      throw PluginError.nanOutput(subject: subject, index: index / width)
    }
  }
}

extension PluginInfo {
  /// The component or provider `subject` names; the error lists what the plugin has.
  public func computation(_ subject: PluginSubject) throws -> any PluginComputationInfo {
    switch subject {
    case .component(let name): return try component(named: name)
    case .provider(let name): return try provider(named: name)
    }
  }
}
