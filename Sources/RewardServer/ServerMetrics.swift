import PluginHost
import Prometheus
import RewardService

/// The server's Prometheus series (`GET /metrics`): requests by status, latency and batch-size
/// histograms, batches in flight and waiting, plugin failures by component, and worker
/// restarts.
final class ServerMetrics: Sendable {
  let registry = PrometheusCollectorRegistry()
  private let latency: DurationHistogram
  private let batchSize: ValueHistogram
  private let inFlight: Gauge
  private let waiting: Gauge
  private let workerRestarts: Gauge

  init() {
    latency = registry.makeDurationHistogram(
      descriptor: Self.name(
        "crystalrl_request", "seconds", "Time from a request's arrival to its reply."),
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300].map {
        Duration.milliseconds(Int64($0 * 1000))
      })
    batchSize = registry.makeValueHistogram(
      descriptor: Self.name("crystalrl_batch", "structures", "Structures per scored batch."),
      buckets: [1, 8, 16, 32, 64, 128, 256, 512, 1024, 4096])
    inFlight = registry.makeGauge(
      descriptor: Self.name("crystalrl_inflight", "batches", "Batches being scored now."))
    waiting = registry.makeGauge(
      descriptor: Self.name(
        "crystalrl_queued", "batches", "Batches waiting for a pipeline replica."))
    workerRestarts = registry.makeGauge(
      descriptor: Self.name(
        "crystalrl_worker_restarts", "total", "Isolated plugin workers replaced after a failure."))
  }

  /// The series `NAME_UNIT`.
  private static func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, unitName: unit, helpText: help)
  }

  /// Records a finished request.
  func request(status: Int, seconds: Duration) {
    registry.makeCounter(
      descriptor: Self.name("crystalrl_requests", "total", "Requests answered, by HTTP status."),
      labels: [("status", String(status))]
    ).increment()
    latency.record(seconds)
  }

  /// Records a batch that reached the pipeline, and the components that failed on it.
  func batch(structures: Int, failedComponents: [String]) {
    batchSize.record(Double(structures))
    for component in failedComponents {
      registry.makeCounter(
        descriptor: Self.name(
          "crystalrl_plugin_failures", "total", "Batches on which a component failed."),
        labels: [("component", component)]
      ).increment()
    }
  }

  /// The exposition text, with the gauges read now from `service`.
  func exposition(_ service: RewardService) -> [UInt8] {
    let load = service.load
    inFlight.set(Double(load.running))
    waiting.set(Double(load.waiting))
    workerRestarts.set(Double(WorkerRestarts.count))
    return registry.emitToBuffer()
  }
}
