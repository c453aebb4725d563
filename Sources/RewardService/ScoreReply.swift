import CrystalCore
import Foundation
import RewardPipeline

/// The `POST /v1/score` reply: totals, every component's weighted and raw rewards, every metric
/// the pipeline computed, and which structures abstained. A non-finite number is `null`.
struct ScoreReply: Encodable {
  /// A metric's values: one number per structure, or a row of `width` numbers.
  enum MetricValues: Encodable {
    case scalars([Double?])
    case rows([[Double?]])

    func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .scalars(let values): try container.encode(values)
      case .rows(let rows): try container.encode(rows)
      }
    }
  }

  /// A component that failed under `on_error: nan`.
  struct Failure: Encodable {
    let component: String
    let message: String
  }

  let requestID: String?
  let pipeline: String
  let ids: [String]
  let rewards: [Double?]
  let components: [String: [Double?]]
  let raw: [String: [Double?]]
  let metrics: [String: MetricValues]
  let abstained: [Int]
  let failures: [Failure]

  init(_ report: RewardReport, request: ScoreRequest, pipeline: String) {
    requestID = request.requestID
    self.pipeline = pipeline
    ids = request.structures.enumerated().map { $1.id.isEmpty ? String($0) : $1.id }
    rewards = report.total.map(Self.finite)
    let labels = report.componentLabels
    components = Dictionary(
      uniqueKeysWithValues: zip(labels, report.components.map { $0.weighted.map(Self.finite) }))
    raw = Dictionary(
      uniqueKeysWithValues: zip(labels, report.components.map { $0.raw.map(Self.finite) }))
    metrics = report.metrics.mapValues { column in
      column.width == 1
        ? .scalars(column.values.map(Self.finite))
        : .rows((0..<column.count).map { column.row($0).map(Self.finite) })
    }
    abstained = report.abstained
    failures = report.failures.map { Failure(component: $0.component, message: $0.message) }
  }

  private static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

  enum CodingKeys: String, CodingKey {
    case requestID = "request_id"
    case pipeline, ids, rewards, components, raw, metrics, abstained
    case failures
  }
}
