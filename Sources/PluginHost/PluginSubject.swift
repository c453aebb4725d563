/// What a plugin error or check is about: one of a plugin's reward components or metric
/// providers, by name. Prints as "plugin component 'NAME'" or "metric provider 'NAME'".
public enum PluginSubject: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
  case component(String)
  case provider(String)

  /// The component's or provider's own name.
  public var name: String {
    switch self {
    case .component(let name), .provider(let name): return name
    }
  }

  /// What its outputs are called in messages.
  var unit: String {
    switch self {
    case .component: return "rewards"
    case .provider: return "values"
    }
  }

  /// The flag that allows NaN outputs.
  var nanFlag: String {
    switch self {
    case .component: return "CRL_COMPONENT_OUTPUT_MAY_BE_NAN"
    case .provider: return "CRL_PROVIDER_OUTPUT_MAY_BE_NAN"
    }
  }

  public var description: String {
    switch self {
    case .component(let name): return "plugin component '\(name)'"
    case .provider(let name): return "metric provider '\(name)'"
    }
  }
}
