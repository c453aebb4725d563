import CrystalCore
import CrystalRLCommands
import Foundation
import FoundationNetworking
import Parallelism
import ProgressReporting
import ReferenceOracles
import WorkerProcess

/// The reward server (`crystalrl-serve`, started beside this executable on a free loopback
/// port) against the same pipeline called in-process, both composed as `crystalrl reward`
/// composes `custom_reward=rl_dng data=perov_5` with perov_5/val.csv as the reference set and
/// table energies: per-batch latency of `dngBatch` batches of 64 and 320 (from sending the body
/// to holding the decoded totals; medians of interleaved pairs, totals checked bit for bit),
/// throughput of distinct 64-structure batches with 1, 2 and 4 clients, p50/p99 of a soak
/// (8 clients, 100 batches of 64) with the server's resident memory, and the Python stack
/// (pymatgen + amd + numpy) on the batch of 64.
let serveBenchmark = Benchmark(name: "serve") {
  let source = SharedData.url("perov_5/val.csv")
  let records = try CDVAEDataset.read(source)
  let table = try SyntheticEnergies.table(records)
  let overrides = [
    "custom_reward=rl_dng", "data=perov_5",
    "rl_module.reward_fn.reference_dataset=\(source.path)",
    "rl_module.reward_fn.energy_calculator=table:\(table.path)",
  ]
  let options = try ConfigOptions.parse(overrides)
  let config = try options.load()
  var factory = try options.rewardFactory(config)
  let pipeline = try factory.makePipeline(try config.node("rl_module.reward_fn"))

  logToStandardError("serve: starting crystalrl-serve and waiting for /readyz")
  let server = try ServerProcess(arguments: overrides)
  defer { server.stop() }
  let client = ScoreClient(base: server.base)
  let ready = try wallSeconds { try client.waitUntilReady(server) }
  var memory = (ready: try server.residentMiB(), warm: 0.0)
  let roundTrip = median(
    try (0..<50).map { _ in try wallSeconds { _ = try client.send("GET", "healthz") } })
  let setup = try client.description()
  print(
    String(
      format: "crystalrl-serve at %@ (pipeline %@, %ld replicas, queue %ld), ready %.1f s after "
        + "it listened; client: URLSession, keep-alive; GET /healthz round trip %.0f µs",
      server.base.absoluteString, setup.pipeline, setup.limits.maxConcurrency,
      setup.limits.maxQueue, ready, roundTrip * 1e6))

  print("batch  in-process   server      overhead              totals")
  var served64: (seconds: Double, total: Double) = (0, 0)
  for (count, repetitions) in [(64, 40), (320, 20)] {
    logToStandardError("serve: latency, batches of \(count)")
    let batch = dngBatch(records, count: count)
    let body = try ScoreClient.body(batch)
    var local: [Double] = []
    var remote: [Double] = []
    var ours = try pipeline.score(batch).total
    var served = try client.rewards(body)
    for _ in 0..<repetitions {
      local.append(try wallSeconds { ours = try pipeline.score(batch).total })
      remote.append(try wallSeconds { served = try client.rewards(body) })
    }
    let identical = ours.map { $0.isNaN ? nil : $0.bitPattern } == served.map { $0?.bitPattern }
    let (inProcess, viaServer) = (median(local), median(remote))
    if count == 64 { served64 = (viaServer, served.reduce(0) { $0 + ($1 ?? .nan) }) }
    print(
      String(
        format: "%-5ld  %7.2f ms  %7.2f ms  %+8.0f µs (%+5.1f%%)   %@", count, inProcess * 1e3,
        viaServer * 1e3, (viaServer - inProcess) * 1e6, (viaServer / inProcess - 1) * 100,
        identical ? "bit-identical" : "DIFFER"))
  }

  let bodies = try (0..<100).map { try ScoreClient.body(dngBatch(records, count: 64, start: $0)) }
  print("clients  batches/s  structures/s   (64 distinct batches of 64)")
  for clients in [1, 2, 4] {
    logToStandardError("serve: throughput, \(clients) clients")
    let run = try client.load(Array(bodies.prefix(64)), clients: clients)
    print(
      String(
        format: "%-7ld  %9.1f  %12.0f", clients, Double(run.latencies.count) / run.wall,
        Double(run.latencies.count * 64) / run.wall))
  }

  memory.warm = try server.residentMiB()
  let soak = try client.load(
    bodies, clients: 8, progress: ProgressReporter("serve: soak", total: bodies.count))
  print(
    String(
      format: "soak, 8 clients, 100 batches of 64, all answered 200: p50 %.2f ms, p99 %.2f ms, "
        + "%.1f batches/s", median(soak.latencies) * 1e3, percentile(soak.latencies, 0.99) * 1e3,
      Double(soak.latencies.count) / soak.wall))
  print(
    String(
      format: "server VmRSS: %.1f MiB when ready, %.1f MiB after warm-up (the runs above), "
        + "%.1f MiB after the soak", memory.ready, memory.warm, try server.residentMiB()))

  logToStandardError("serve: the Python stack on the batch of 64 (about a minute)")
  let python = try pythonDNGReward(reference: source, energies: table, count: 64)
  print(
    String(
      format: "Python (pymatgen + amd + numpy), batch of 64: %.2f s, %.0fx the server's %.2f ms "
        + "(Σ total: server %.6f, Python %.6f)", python.seconds, python.seconds / served64.seconds,
      served64.seconds * 1e3, served64.total, python.total))
  client.close()
  print("crystalrl-serve after SIGTERM: \(server.stop())")
}

/// `crystalrl-serve` from the directory of this executable, started on a free loopback port
/// with `arguments` (config overrides) in its own process group, tied to this process (see
/// `ChildProcess`); its output goes to standard error, prefixed. `stop()` (also on deinit)
/// sends SIGTERM, waits, then kills the group.
final class ServerProcess {
  let base: URL
  private let child: ChildProcess

  init(arguments: [String], timeout: Double = 120) throws {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("crystalrl-serve").path
    guard FileManager.default.isExecutableFile(atPath: executable) else {
      throw BenchmarkError(
        "no \(executable): build it (swift build -c release --product crystalrl-serve)")
    }
    let input = try Descriptors.devNull()
    let standardOutput = try Descriptors.pipe()
    let standardError = try Descriptors.pipe()
    let child = try ChildProcess(
      executable: executable, arguments: ["--host", "127.0.0.1", "--port", "0"] + arguments,
      descriptors: [input, standardOutput.write, standardError.write])
    for descriptor in [input, standardOutput.write, standardError.write] { close(descriptor) }
    _ = OutputCollector(standardError.read, forwardingPrefix: "[crystalrl-serve] ")
    let prefix = "listening on "
    let line: String
    do {
      line = try Self.firstLine(of: standardOutput.read, from: child, timeout: timeout)
      guard line.hasPrefix(prefix) else {
        throw BenchmarkError("crystalrl-serve printed '\(line)', not '\(prefix)http://HOST:PORT'")
      }
    } catch {
      close(standardOutput.read)
      throw error
    }
    guard let base = URL(string: String(line.dropFirst(prefix.count))) else {
      throw BenchmarkError("crystalrl-serve listens at '\(line)', not a URL")
    }
    self.base = base
    self.child = child
    _ = OutputCollector(standardOutput.read, forwardingPrefix: "[crystalrl-serve] ")
  }

  deinit { stop() }

  /// The first line `child` writes to `descriptor`, read byte by byte so that nothing after it
  /// is taken from the collector that reads the rest.
  private static func firstLine(of descriptor: Int32, from child: ChildProcess, timeout: Double)
    throws -> String
  {
    let deadline = Date().addingTimeInterval(timeout)
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while bytes.last != UInt8(ascii: "\n") {
      switch child.waitReadable(descriptor, until: deadline) {
      case .readable:
        let count = read(descriptor, &byte, 1)
        if count == 1 {
          bytes.append(byte)
        } else if count == 0 || errno != EINTR {
          throw BenchmarkError("crystalrl-serve closed its output before it listened")
        }
      case .exited(let termination):
        throw BenchmarkError("crystalrl-serve \(termination) before it listened")
      case .timedOut:
        throw BenchmarkError("crystalrl-serve did not say where it listens within \(timeout) s")
      }
    }
    return String(decoding: bytes.dropLast(), as: UTF8.self)
  }

  /// Whether the server has ended.
  var hasEnded: Bool { child.poll() != nil }

  /// The server's resident memory (VmRSS) in MiB.
  func residentMiB() throws -> Double {
    let status = try String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
      let kB = Double(line.split(separator: " ")[1])
    else { throw BenchmarkError("no VmRSS in /proc/\(child.pid)/status") }
    return kB / 1024
  }

  /// Sends SIGTERM (a graceful stop), waits up to `grace` seconds, then kills the process group;
  /// returns how the server ended.
  @discardableResult
  func stop(grace: Double = 10) -> Termination {
    if child.poll() == nil { Glibc.kill(child.pid, SIGTERM) }
    return child.stop(grace: grace)
  }
}

/// A blocking HTTP client of one reward server (URLSession on keep-alive connections), callable
/// from many threads at once.
final class ScoreClient: Sendable {
  let base: URL
  private let session: URLSession

  init(base: URL) {
    self.base = base
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = 16
    session = URLSession(configuration: configuration)
  }

  /// The request body scoring `structures`, with their ids (the energy table's keys).
  static func body(_ structures: [Structure]) throws -> Data {
    /// A structure as the API takes it (keys in snake case).
    struct Entry: Encodable {
      let id: String
      let lattice: [[Double]]
      let species: [String]
      let fracCoords: [[Double]]
    }
    /// The request.
    struct Request: Encodable { let structures: [Entry] }
    func row(_ vector: Vector3) -> [Double] { [vector.x, vector.y, vector.z] }
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return try encoder.encode(
      Request(
        structures: structures.map { structure in
          Entry(
            id: structure.id, lattice: (0..<3).map { row(structure.lattice.matrix[$0]) },
            species: structure.sites.map(\.element.symbol),
            fracCoords: structure.sites.map { row($0.fractional) })
        }))
  }

  /// Sends one request; returns the status and body.
  func send(_ method: String, _ path: String, body: Data? = nil) throws -> (Int, Data) {
    var request = URLRequest(url: base.appendingPathComponent(path))
    request.httpMethod = method
    request.httpBody = body
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<(Int, Data), Error>!
    session.dataTask(with: request) { data, response, error in
      result = Result {
        if let error { throw error }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
      }
      done.signal()
    }.resume()
    done.wait()
    return try result.get()
  }

  /// The totals the server gives the batch `body` (nil where it abstained).
  func rewards(_ body: Data) throws -> [Double?] {
    /// The part of the reply read here.
    struct Reply: Decodable { let rewards: [Double?] }
    let (status, reply) = try send("POST", "v1/score", body: body)
    guard status == 200 else {
      throw BenchmarkError("POST /v1/score: \(status) \(String(decoding: reply, as: UTF8.self))")
    }
    return try JSONDecoder().decode(Reply.self, from: reply).rewards
  }

  /// The part of `GET /v1/pipeline` the report names.
  struct Description: Decodable {
    /// The server's concurrency limits.
    struct Limits: Decodable {
      let maxConcurrency: Int
      let maxQueue: Int
    }
    let pipeline: String
    let limits: Limits
  }

  /// The served pipeline's hash and the server's limits.
  func description() throws -> Description {
    let (status, body) = try send("GET", "v1/pipeline")
    guard status == 200 else { throw BenchmarkError("GET /v1/pipeline: \(status)") }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Description.self, from: body)
  }

  /// Polls `GET /readyz` until it answers 200.
  func waitUntilReady(_ server: ServerProcess, timeout: Double = 300) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while (try? send("GET", "readyz").0) != 200 {
      guard !server.hasEnded else { throw BenchmarkError("crystalrl-serve ended while warming") }
      guard Date() < deadline else {
        throw BenchmarkError("crystalrl-serve was not ready within \(timeout) s")
      }
      usleep(50_000)
    }
  }

  /// Sends every body of `bodies` once, from `clients` threads each sending its next one as
  /// soon as the previous is answered; throws when any batch failed.
  func load(_ bodies: [Data], clients: Int, progress: ProgressReporter? = nil) throws -> LoadRun {
    var answers: [Result<Double, Error>] = []
    let wall = wallSeconds {
      answers = Parallel.map(bodies.count, threads: clients) { index in
        let answer = Result { try wallSeconds { _ = try rewards(bodies[index]) } }
        progress?.advance()
        return answer
      }
    }
    progress?.finish()
    let failures = answers.filter { (try? $0.get()) == nil }
    if let first = failures.first, case .failure(let error) = first {
      throw BenchmarkError("\(failures.count) of \(answers.count) batches failed, first: \(error)")
    }
    return LoadRun(wall: wall, latencies: answers.compactMap { try? $0.get() })
  }

  /// Closes the connections.
  func close() { session.invalidateAndCancel() }
}

/// The outcome of `ScoreClient.load`: the wall time and each batch's latency.
struct LoadRun {
  let wall: Double
  let latencies: [Double]
}
