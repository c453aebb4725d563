/// One per-structure metric of a batch: `width` values per structure, row-major.
/// Booleans are stored as 0/1; NaN marks "not available".
public struct MetricColumn: Sendable, Equatable {
  public let name: String
  public let width: Int
  public let values: [Double]

  public init(name: String, width: Int = 1, values: [Double]) {
    precondition(width > 0 && values.count % width == 0, "values must fill whole rows")
    self.name = name
    self.width = width
    self.values = values
  }

  /// Number of structures the column covers.
  public var count: Int { values.count / width }

  /// The values of structure `index`.
  public func row(_ index: Int) -> ArraySlice<Double> {
    values[index * width..<(index + 1) * width]
  }
}

/// The metrics computed for one batch, by name.
public typealias MetricTable = [String: MetricColumn]
