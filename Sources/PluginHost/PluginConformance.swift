import Foundation
import RewardPipeline

/// The outcome of one conformance check of one component.
public struct ConformanceResult: Sendable, Equatable {
  /// The component checked ("" for the library as a whole).
  public let component: String
  public let check: String
  /// What the plugin did wrong; nil when the check passed.
  public let violation: String?
  /// What was seen (counts, timings, memory) when it passed.
  public let detail: String

  public var passed: Bool { violation == nil }
}

/// `crystalrl plugin check`: a conformance kit for reward plugins, always run isolated (the
/// plugin loads only in worker processes). Every component is created with `configJSON` and
/// run on the edge batches of `ConformanceBatch` — one finite reward per structure (NaN only
/// with CRL_COMPONENT_OUTPUT_MAY_BE_NAN), within the timeout, no crash, errors only with a
/// message and only for the NaN-metrics batch —, then: two instances computing one batch at
/// the same time must agree with each other and with one instance alone; `lifecycleCycles`
/// create/destroy cycles must not grow the worker's resident memory by more than
/// `leakThresholdKiB`; the time per structure of the large batch is reported. Metric providers
/// (ABI 1.1) are listed, not checked.
public struct PluginConformance {
  /// JSON object of the component's parameters, passed to create() as is.
  public var configJSON = "{}"
  /// Components to check; nil checks them all.
  public var components: [String]?
  public var limits = WorkerLimits(timeout: 60)
  /// Structures of the large batch.
  public var largeBatch = 10_000
  public var lifecycleCycles = 1000
  public var leakThresholdKiB = 2048
  public var workerExecutable = PluginWorkerClient.defaultWorker

  public init() {}

  /// Checks the plugin at `path`; `report` sees each result as it is decided.
  public func run(path: String, report: (ConformanceResult) -> Void = { _ in }) throws
    -> [ConformanceResult]
  {
    var results: [ConformanceResult] = []
    func record(_ component: String, _ check: String, violation: String?, detail: String = "") {
      let result = ConformanceResult(
        component: component, check: check, violation: violation, detail: detail)
      results.append(result)
      report(result)
    }
    let info: PluginInfo
    do {
      info = try PluginWorkerClient.describe(
        path: path, limits: limits, workerExecutable: workerExecutable)
      let providers = info.providers.map(\.name)
      record(
        "", "load and describe", violation: nil,
        detail: "\(info.name) \(info.version)"
          + (providers.isEmpty
            ? ""
            : "; metric providers, which this kit does not check: "
              + providers.joined(separator: ", ")))
    } catch {
      record("", "load and describe", violation: "\(error)")
      return results
    }
    let names = components ?? info.components.map(\.name)
    for name in names { _ = try info.component(named: name) }
    let batches = try ConformanceBatch.all(largeCount: largeBatch)
    for name in names {
      let component: IsolatedPluginComponent
      do {
        component = try IsolatedPluginComponent(
          path: path, name: name, configJSON: configJSON, limits: limits,
          workerExecutable: workerExecutable)
        record(name, "create", violation: nil)
      } catch {
        record(name, "create", violation: Self.classify(error, nil))
        continue
      }
      for batch in batches {
        let (structures, metrics) = (
          StructureBatch(batch.structures), batch.metrics(component.requiredMetrics)
        )
        let start = Date()
        do {
          let rewards = try component.compute(structures, metrics: metrics)
          let seconds = Date().timeIntervalSince(start)
          record(
            name, batch.name, violation: nil,
            detail: "\(rewards.count) rewards"
              + (batch.structures.count >= 1000
                ? String(
                  format: ", %.2f µs per structure",
                  seconds * 1e6 / Double(batch.structures.count)) : ""))
        } catch {
          let violation = Self.classify(error, component.lastWorkerFailure)
          let refused =
            batch.nanMetrics && component.lastWorkerFailure == nil
            && Self.isErrorWithMessage(error)
          record(
            name, batch.name, violation: refused ? nil : violation,
            detail: refused ? "refused with a message: \(error)" : "")
        }
      }
      record(name, "two instances at once", violation: concurrency(component, batches))
      let (leak, memory) = lifecycle(component)
      record(name, "create/destroy x\(lifecycleCycles)", violation: leak, detail: memory)
    }
    return results
  }

  /// Two instances computing the mixed batch concurrently must agree bitwise with each other
  /// and with one instance alone; nil when they do.
  private func concurrency(_ component: IsolatedPluginComponent, _ batches: [ConformanceBatch])
    -> String?
  {
    let structures = batches.filter { !$0.nanMetrics }.flatMap(\.structures).prefix(2000)
    let batch = ConformanceBatch(name: "mixed", structures: Array(structures), nanMetrics: false)
    let metrics = batch.metrics(component.requiredMetrics)
    do {
      let alone = try component.compute(StructureBatch(batch.structures), metrics: metrics)
      let (first, second) = try component.computeTwice(
        StructureBatch(batch.structures), metrics: metrics)
      let bits = { (values: [Double]) in values.map(\.bitPattern) }
      guard bits(first) == bits(second), bits(first) == bits(alone) else {
        let at =
          alone.indices.first { index in
            first[index].bitPattern != second[index].bitPattern
              || first[index].bitPattern != alone[index].bitPattern
          } ?? 0
        return "different results: structure \(at) scored \(first[at]) and \(second[at]) by "
          + "two instances at once, \(alone[at]) by one alone (shared state between instances?)"
      }
      return nil
    } catch {
      return Self.classify(error, component.lastWorkerFailure)
    }
  }

  /// Resident-memory growth over `lifecycleCycles` create/destroy cycles, after a warm-up of
  /// a tenth as many: (violation, detail).
  private func lifecycle(_ component: IsolatedPluginComponent) -> (String?, String) {
    do {
      _ = try component.recreate(times: max(lifecycleCycles / 10, 1))
      let (before, after) = try component.recreate(times: lifecycleCycles)
      let growth = after - before
      let detail = "resident memory \(before) KiB -> \(after) KiB"
      guard growth <= leakThresholdKiB else {
        return (
          "memory grew by \(growth) KiB over \(lifecycleCycles) create/destroy cycles "
            + "(about \(growth * 1024 / lifecycleCycles) bytes per instance): a leak", detail
        )
      }
      return (nil, detail)
    } catch {
      return (Self.classify(error, nil), "")
    }
  }

  /// Names the kind of violation an error is.
  static func classify(_ error: Error, _ failure: WorkerFailure?) -> String {
    switch failure {
    case .died(_, let output)? where output.contains(BatchWriteDetector.message):
      return "write into the batch: \(error)"
    case .died?: return "crash: \(error)"
    case .timedOut?: return "timeout: \(error)"
    case .malformedReply?: return "malformed reply: \(error)"
    case .stopped?, nil: break
    }
    switch error as? PluginError {
    case .wrongCount?: return "wrong count: \(error)"
    case .nanOutput?, .infiniteOutput?: return "non-finite output: \(error)"
    case .createFailed(_, let message)?, .computeFailed(_, let message)?:
      if message.contains(PluginInstance.noMessage) {
        return "error without a message: \(error)"
      }
      if message.contains("worker process") { return "crash: \(error)" }
      return "error: \(error)"
    default: return "error: \(error)"
    }
  }

  /// A compute error the plugin returned with a message of its own.
  static func isErrorWithMessage(_ error: Error) -> Bool {
    guard case .computeFailed(_, let message)? = error as? PluginError else { return false }
    return !message.contains(PluginInstance.noMessage)
  }
}
