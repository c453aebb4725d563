import DNGMetricProviders
import Foundation
import ReferenceData

/// The reference sets of one factory with their matcher memos, by the file they come from:
/// each is loaded once, so a reward's novelty and `evaluate`'s use one `ReferenceContext`.
final class ReferencePool {
  private var contexts: [String: ReferenceContext] = [:]

  /// The context of reference set `name` (`builtin`, or a dataset name or CSV path that
  /// `resolveDataset` turns into its file), loaded by `load` (given nil for `builtin`) on first
  /// use.
  func context(
    named name: String, resolveDataset: (String) throws -> URL,
    load: (URL?) throws -> ReferenceSet
  ) throws -> ReferenceContext {
    let file = name == "builtin" ? nil : try resolveDataset(name).standardizedFileURL
    let key = file?.path ?? "builtin"
    if let known = contexts[key] { return known }
    let context = ReferenceContext(reference: try load(file))
    contexts[key] = context
    return context
  }
}
