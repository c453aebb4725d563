import Foundation
import PluginHost
import RewardPipeline

/// The outcome of one conformance check of one component.
public struct ConformanceResult: Sendable, Equatable {
  /// What a check found.
  public enum Outcome: Sendable, Equatable {
    case passed
    /// What the plugin did wrong.
    case violation(String)
    /// Why the component could not be checked (parameters without a default that the config
    /// does not give): not a fault of the plugin.
    case notChecked(String)
  }

  /// The component checked ("" for the library as a whole).
  public let component: String
  public let check: String
  public let outcome: Outcome
  /// What was seen (counts, timings, memory) when it passed.
  public let detail: String

  public var passed: Bool { outcome == .passed }

  /// What the plugin did wrong; nil when the check passed or did not run.
  public var violation: String? {
    guard case .violation(let violation) = outcome else { return nil }
    return violation
  }

  /// The line `crystalrl plugin check` prints: "pass …", "FAIL …" or "not checked …".
  public var line: String {
    let scope = component.isEmpty ? "" : "\(component): "
    switch outcome {
    case .passed: return "pass \(scope)\(check)" + (detail.isEmpty ? "" : " (\(detail))")
    case .violation(let violation): return "FAIL \(scope)\(check): \(violation)"
    case .notChecked(let reason): return "not checked \(scope)\(reason)"
    }
  }

  /// The last line of `crystalrl plugin check`: how many of the checks that ran failed, and
  /// which components were not checked.
  public static func summary(_ results: [ConformanceResult]) -> String {
    let skipped = results.filter { if case .notChecked = $0.outcome { true } else { false } }
    let ran = results.count - skipped.count
    let failed = results.filter { $0.violation != nil }.count
    let checks = ran == 1 ? "check" : "checks"
    let verdict =
      failed == 0 ? "all \(ran) \(checks) passed" : "\(failed) of \(ran) \(checks) failed"
    guard !skipped.isEmpty else { return verdict }
    let names = skipped.map(\.component).joined(separator: ", ")
    return verdict + "; not checked (parameters needed): \(names)"
  }
}

/// `crystalrl plugin check`: a conformance kit for reward plugins, always run isolated (the
/// plugin loads only in worker processes). Every component is created with `configJSON` and
/// run on the edge batches of `ConformanceBatch` — one finite reward per structure (NaN only
/// with CRL_COMPONENT_OUTPUT_MAY_BE_NAN), within the timeout, no crash, errors only with a
/// message and only for the NaN-metrics batch —, then: two instances computing one batch at
/// the same time must agree with each other and with one instance alone; `lifecycleCycles`
/// create/destroy cycles must not grow the worker's resident memory by more than
/// `leakThresholdKiB`; the time per structure of the large batch is reported. A component
/// with parameters that have no default and that `configJSON` does not give is not checked
/// (one `notChecked` result naming them). Metric providers (ABI 1.1) are listed, not checked.
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
    func record(
      _ component: String, _ check: String, _ outcome: ConformanceResult.Outcome,
      detail: String = ""
    ) {
      let result = ConformanceResult(
        component: component, check: check, outcome: outcome, detail: detail)
      results.append(result)
      report(result)
    }
    let info: PluginInfo
    do {
      info = try PluginWorkerClient.describe(
        path: path, limits: limits, workerExecutable: workerExecutable)
      let providers = info.providers.map(\.name)
      record(
        "", "load and describe", .passed,
        detail: "\(info.name) \(info.version)"
          + (providers.isEmpty
            ? ""
            : "; metric providers, which this kit does not check: "
              + providers.joined(separator: ", ")))
    } catch {
      record("", "load and describe", .violation("\(error)"))
      return results
    }
    let components = try (components ?? info.components.map(\.name)).map {
      try info.component(named: $0)
    }
    let batches = try ConformanceBatch.all(largeCount: largeBatch)
    for component in components {
      let name = component.name
      if let reason = missingParameters(of: component) {
        record(name, "create", .notChecked(reason))
        continue
      }
      let instance: IsolatedPluginInstance
      do {
        instance = try IsolatedPluginInstance(
          path: path, subject: component.subject, configJSON: configJSON, limits: limits,
          workerExecutable: workerExecutable)
        record(name, "create", .passed)
      } catch {
        record(name, "create", .violation(Self.classify(error, nil)))
        continue
      }
      let required = try component.requiredMetrics(configured: nil)
      for batch in batches {
        let start = Date()
        do {
          let rewards = try instance.run(
            StructureBatch(batch.structures), metrics: batch.metrics(required))
          let seconds = Date().timeIntervalSince(start)
          record(
            name, batch.name, .passed,
            detail: "\(rewards.count) rewards"
              + (batch.structures.count >= 1000
                ? String(
                  format: ", %.2f µs per structure",
                  seconds * 1e6 / Double(batch.structures.count)) : ""))
        } catch {
          if batch.nanMetrics && instance.lastWorkerFailure == nil
            && Self.isErrorWithMessage(error)
          {
            record(name, batch.name, .passed, detail: "refused with a message: \(error)")
          } else {
            record(name, batch.name, .violation(Self.classify(error, instance.lastWorkerFailure)))
          }
        }
      }
      record(
        name, "two instances at once",
        concurrency(instance, required, batches).map { .violation($0) } ?? .passed)
      let (leak, memory) = lifecycle(instance)
      record(
        name, "create/destroy x\(lifecycleCycles)", leak.map { .violation($0) } ?? .passed,
        detail: memory)
    }
    return results
  }

  /// Why `component` cannot be created with `configJSON` alone, and how to pass what it
  /// needs; nil when every parameter without a default is given.
  private func missingParameters(of component: PluginComponentInfo) -> String? {
    let object = try? JSONSerialization.jsonObject(with: Data(configJSON.utf8))
    let given = Set((object as? [String: Any])?.keys.map { $0 } ?? [])
    let missing = component.parameters.filter { $0.defaultJSON == nil && !given.contains($0.name) }
    guard !missing.isEmpty else { return nil }
    let names = missing.map(\.name)
    let example = names.map { "\"\($0)\": …" }.joined(separator: ", ")
    return "needs the parameter\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) "
      + "(no default); pass \(names.count == 1 ? "it" : "them") with --config '{\(example)}'"
  }

  /// Two instances computing the mixed batch concurrently must agree bitwise with each other
  /// and with one instance alone; nil when they do.
  private func concurrency(
    _ instance: IsolatedPluginInstance, _ required: [String], _ batches: [ConformanceBatch]
  ) -> String? {
    let structures = batches.filter { !$0.nanMetrics }.flatMap(\.structures).prefix(2000)
    let batch = ConformanceBatch(name: "mixed", structures: Array(structures), nanMetrics: false)
    let metrics = batch.metrics(required)
    do {
      let alone = try instance.run(StructureBatch(batch.structures), metrics: metrics)
      let (first, second) = try instance.runTwice(
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
      return Self.classify(error, instance.lastWorkerFailure)
    }
  }

  /// Resident-memory growth over `lifecycleCycles` create/destroy cycles, after a warm-up of
  /// a tenth as many: (violation, detail).
  private func lifecycle(_ instance: IsolatedPluginInstance) -> (String?, String) {
    do {
      _ = try instance.recreate(times: max(lifecycleCycles / 10, 1))
      let (before, after) = try instance.recreate(times: lifecycleCycles)
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
    case let failure? where failure.wroteIntoBatch: return "write into the batch: \(error)"
    case .died?: return "crash: \(error)"
    case .timedOut?: return "timeout: \(error)"
    case .malformedReply?: return "malformed reply: \(error)"
    case .stopped?, nil: break
    }
    switch error as? PluginError {
    case .wrongCount?: return "wrong count: \(error)"
    case .nanOutput?, .infiniteOutput?: return "non-finite output: \(error)"
    case .createFailed(_, let message)?, .computeFailed(_, let message)?:
      if message.contains(PluginError.noMessage) {
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
    return !message.contains(PluginError.noMessage)
  }
}
