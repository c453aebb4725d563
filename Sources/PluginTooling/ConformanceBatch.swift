import CrystalCore
import RewardPipeline

/// One edge batch `PluginConformance` runs every component on: valid input a conformant
/// component scores (one finite reward per structure), except the NaN-metrics batch, which it
/// may also refuse with a message.
struct ConformanceBatch {
  let name: String
  let structures: [Structure]
  /// Whether the required metric columns hold NaN ("not available") instead of 0.5.
  let nanMetrics: Bool

  /// The columns of the metrics `names` for this batch (width 1), in order.
  func metrics(_ names: [String]) -> [MetricColumn] {
    let value = nanMetrics ? Double.nan : 0.5
    return names.map {
      MetricColumn(name: $0, values: Array(repeating: value, count: structures.count))
    }
  }

  /// Empty; one 1-atom cell; a 200-atom cell; every element H..Lr (one single-atom cell
  /// each); `largeCount` small cells; a few cells with NaN metric columns.
  static func all(largeCount: Int) throws -> [ConformanceBatch] {
    let elements = Element.all
    let iron = Element(symbol: "Fe")!
    let oneAtom = try Structure(
      lattice: try Lattice.cubic(2.87), elements: [iron], fractional: [Vector3(0, 0, 0)])
    let big = try Structure(
      lattice: try Lattice.cubic(14),
      elements: (0..<200).map { elements[[5, 7, 13, 25][$0 % 4]] },
      fractional: (0..<200).map(spread))
    let single = try elements.map { element in
      try Structure(
        lattice: try Lattice.cubic(3.5), elements: [element], fractional: [Vector3(0, 0, 0)])
    }
    let many = try (0..<largeCount).map { index -> Structure in
      let a: Double = 3 + Double(index % 97) * 0.02
      let c: Double = 4 + Double(index % 13) * 0.1
      let beta: Double = 90 + Double(index % 7)
      let lattice = try Lattice(a: a, b: 3.5, c: c, alpha: 90, beta: beta, gamma: 90)
      let pair = [elements[index % 83], elements[(index * 7 + 7) % 83]]
      return try Structure(
        lattice: lattice, elements: pair, fractional: [Vector3(0, 0, 0), spread(index)])
    }
    return [
      ConformanceBatch(name: "empty batch", structures: [], nanMetrics: false),
      ConformanceBatch(name: "one 1-atom cell", structures: [oneAtom], nanMetrics: false),
      ConformanceBatch(name: "a 200-atom cell", structures: [big], nanMetrics: false),
      ConformanceBatch(name: "every element H..Lr", structures: single, nanMetrics: false),
      ConformanceBatch(
        name: "\(largeCount) structures", structures: many, nanMetrics: false),
      ConformanceBatch(
        name: "NaN metric columns", structures: Array(many.prefix(8)) + [oneAtom],
        nanMetrics: true),
    ]
  }

  /// Well-spread fractional coordinates: the `index`-th point of an additive recurrence.
  private static func spread(_ index: Int) -> Vector3 {
    let step = Vector3(0.8191725134, 0.6710436067, 0.5497004779)
    let point = Double(index + 1)
    return Vector3(
      (point * step.x).truncatingRemainder(dividingBy: 1),
      (point * step.y).truncatingRemainder(dividingBy: 1),
      (point * step.z).truncatingRemainder(dividingBy: 1))
  }
}
