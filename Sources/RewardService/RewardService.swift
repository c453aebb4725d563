import CrystalConfig
import CrystalCore
import Dispatch
import Foundation
import PluginHost
import RewardAssembly
import RewardPipeline
import Synchronization

/// A reward pipeline served to many callers: it checks each `POST /v1/score` body, scores the
/// batch on a free replica of the pipeline (`maxConcurrency` of them, see `ReplicaPool`), and
/// answers with what `crystalrl reward` computes for the same structures. The HTTP front
/// (RewardServer) adds the routes, tokens, TLS and metrics.
///
/// ```swift
/// var factory = RewardFactory(resolveDataset: catalog.file)
/// let service = try RewardService(
///   factory: &factory, config: try config.node("rl_module.reward_fn"), limits: ServiceLimits())
/// service.warmUp()
/// let answer = await service.score(body: data, timeoutHeader: nil)
/// ```
public final class RewardService: Sendable {
  /// Whether the service scores yet, and if not, why.
  public enum Readiness: Sendable, Equatable {
    case warming(String)
    case ready
  }

  /// The reply to one scoring request.
  public struct Answer: Sendable {
    public let status: Int
    public let body: Data
    /// Seconds after which a refused caller may try again (503).
    public let retryAfter: Int?
    /// Structures in the batch, when the pipeline scored it (200) or failed on it (500).
    public let structures: Int?
    /// Components that failed on the batch (under `on_error: nan`, or the one of a 500).
    public let failedComponents: [String]
  }

  public let description: PipelineDescription
  public let limits: ServiceLimits
  private let pool: ReplicaPool
  private let readinessState = Mutex(
    Readiness.warming("scoring a first batch (plugins, reference set, hull, energy workers)"))
  private let log: @Sendable (String) -> Void

  /// Builds `limits.maxConcurrency` replicas of the pipeline `config` (a `reward_fn` node)
  /// describes, with `factory`, which shares reference sets and energy calculators among them.
  public init(
    factory: inout RewardFactory, config: ConfigNode, limits: ServiceLimits,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) throws {
    let pipelines = try (0..<max(limits.maxConcurrency, 1)).map { _ in
      try factory.makePipeline(config)
    }
    description = PipelineDescription(
      config: config.value ?? .null, pipeline: pipelines[0], plugins: factory.loadedPlugins,
      limits: limits)
    self.limits = limits
    self.log = log
    pool = ReplicaPool(pipelines, maxQueue: limits.maxQueue)
  }

  public var readiness: Readiness { readinessState.withLock { $0 } }

  /// `description` as the JSON of `GET /v1/pipeline`.
  public var descriptionJSON: Data { JSONCoding.encode(description) }

  /// Batches being scored and batches waiting for a replica.
  public var load: (running: Int, waiting: Int) { pool.load }

  /// Scores a first batch (built-in prototypes) on every replica, so that plugins, the reference
  /// set, the hull and the energy workers are loaded before the first caller's batch; then the
  /// service is ready. A replica whose warm-up batch fails is logged: its next batch tries again.
  public func warmUp() {
    let batch = Array(PrototypeLibrary.structures().prefix(2))
    let errors = pool.forEachReplica { _ = try $0.score(batch) }
    for case let error? in errors { log("warning: the warm-up batch failed: \(error)") }
    readinessState.withLock { $0 = .ready }
  }

  /// Answers a `POST /v1/score` body; `timeoutHeader` is the `X-Request-Timeout` header.
  public func score(body: Data, timeoutHeader: String?) async -> Answer {
    if case .warming(let reason) = readiness {
      return answer(RequestRefusal(.overloaded, "not ready yet: \(reason)"), retryAfter: 5)
    }
    let request: ScoreRequest
    let seconds: Double
    do throws(RequestRefusal) {
      request = try ScoreRequest(body: body, limits: limits)
      let header = try Self.seconds(timeoutHeader)
      seconds = min(request.timeout ?? header ?? .infinity, limits.maxRequestSeconds)
    } catch {
      return answer(error)
    }
    let deadline = DispatchTime.now() + seconds
    do {
      let report = try await pool.score(request.structures, deadline: deadline)
      let reply = ScoreReply(report, request: request, pipeline: description.pipeline)
      return Answer(
        status: 200, body: JSONCoding.encode(reply), retryAfter: nil,
        structures: request.structures.count, failedComponents: report.failures.map(\.component))
    } catch let refusal as RequestRefusal {
      return answer(refusal, retryAfter: refusal.status == .overloaded ? 1 : nil)
    } catch {
      let component = Self.component(of: error)
      let message = component.map { "component '\($0)' failed: \(error)" } ?? "\(error)"
      return answer(
        RequestRefusal(.componentFailed, message, component: component),
        structures: request.structures.count, failed: component.map { [$0] } ?? [])
    }
  }

  private func answer(
    _ refusal: RequestRefusal, retryAfter: Int? = nil, structures: Int? = nil,
    failed: [String] = []
  ) -> Answer {
    Answer(
      status: refusal.status.rawValue, body: refusal.body, retryAfter: retryAfter,
      structures: structures, failedComponents: failed)
  }

  /// The `X-Request-Timeout` header's seconds.
  private static func seconds(_ header: String?) throws(RequestRefusal) -> Double? {
    guard let header else { return nil }
    guard let seconds = Double(header.trimmingCharacters(in: .whitespaces)), seconds > 0,
      seconds.isFinite
    else {
      throw RequestRefusal(
        .badRequest, "X-Request-Timeout must be a positive number of seconds, got '\(header)'",
        field: "X-Request-Timeout")
    }
    return seconds
  }

  /// The component or metric an error of the pipeline names.
  private static func component(of error: any Error) -> String? {
    switch error {
    case RewardError.component(let name, _), RewardError.metric(let name, _),
      RewardError.componentSkipped(let name, _):
      return name
    case let error as PluginError: return error.subject?.name
    default: return nil
    }
  }
}
