import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import RewardService
import ServiceLifecycle
import Synchronization

/// Where and how a reward server listens: address, port (0: any free one), the tokens it
/// requires, and the certificate and key it serves HTTPS with.
public struct ServerSettings: Sendable {
  public var host: String
  public var port: Int
  public var tokens: BearerTokens?
  public var tlsCertificate: URL?
  public var tlsKey: URL?

  public init(host: String = "127.0.0.1", port: Int = 8000) {
    self.host = host
    self.port = port
  }

  var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) }
}

/// The HTTP front of a `RewardService` (Hummingbird 2): `POST /v1/score`, `GET /v1/pipeline`,
/// `GET /healthz`, `GET /readyz` and `GET /metrics` (Prometheus), with bearer tokens and TLS
/// when configured. It prints `listening on http://HOST:PORT` once bound, warms the pipeline
/// up (until then `/readyz` answers 503), and on SIGTERM or SIGINT stops accepting, finishes
/// the batches in flight and returns; a second signal exits at once.
///
/// ```swift
/// try await RewardServer(service: service, settings: ServerSettings(port: 0)).run()
/// ```
public struct RewardServer: Sendable {
  let service: RewardService
  let settings: ServerSettings
  let metrics = ServerMetrics()
  let log: @Sendable (String) -> Void

  public init(
    service: RewardService, settings: ServerSettings,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.service = service
    self.settings = settings
    self.log = log
  }

  public func run() async throws {
    var logger = Logger(label: "crystalrl-serve") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .warning
    if !settings.isLoopback && settings.tokens == nil {
      log(
        "warning: listening on \(settings.host) without --token-file: anyone who can reach this "
          + "address can use the server")
    }
    let scheme = settings.tlsCertificate == nil ? "http" : "https"
    let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
    let app = Application(
      router: router(), server: try serverBuilder(),
      configuration: .init(
        address: .hostname(settings.host, port: settings.port), serverName: "crystalrl"),
      onServerRunning: { [service] channel in
        let address = "\(scheme)://\(host):\(channel.localAddress?.port ?? 0)"
        FileHandle.standardOutput.write(Data("listening on \(address)\n".utf8))
        DispatchQueue.global().async { service.warmUp() }
      },
      logger: logger)
    let group = ServiceGroup(
      configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    let signals = ShutdownSignals { await group.triggerGracefulShutdown() }
    try await group.run()
    withExtendedLifetime(signals) {}
  }

  private func serverBuilder() throws -> HTTPServerBuilder {
    guard let certificate = settings.tlsCertificate, let key = settings.tlsKey else {
      return .http1()
    }
    do {
      let configuration = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.path).map {
          .certificate($0)
        },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: key.path, format: .pem)))
      return try .tls(.http1(), tlsConfiguration: configuration)
    } catch {
      throw ServerError(
        "cannot serve HTTPS with \(certificate.path) and \(key.path): \(error)")
    }
  }

  private func router() -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: RequestObserver(metrics: metrics))
    if let tokens = settings.tokens {
      router.add(middleware: TokenCheck(tokens: tokens, open: ["/healthz", "/readyz"]))
    }
    let service = self.service
    let metrics = self.metrics
    let maxBody = service.limits.maxBodyBytes
    router.post("/v1/score") { request, _ -> Response in
      var request = request
      let body: ByteBuffer
      do {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBody {
          throw NIOTooManyBytesError(maxBytes: maxBody)
        }
        body = try await request.collectBody(upTo: maxBody)
      } catch {
        return Self.json(
          RequestRefusal(
            .tooLarge, "the body is larger than the limit (max-body-bytes) of \(maxBody) bytes",
            limit: "max-body-bytes"))
      }
      let answer = await service.score(
        body: Data(body.readableBytesView), timeoutHeader: request.headers[Self.timeoutHeader])
      if let structures = answer.structures {
        metrics.batch(structures: structures, failedComponents: answer.failedComponents)
      }
      var headers: HTTPFields = [.contentType: "application/json"]
      if let seconds = answer.retryAfter { headers[.retryAfter] = String(seconds) }
      return Response(
        status: .init(code: answer.status), headers: headers,
        body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
    router.get("/v1/pipeline") { _, _ in Self.json(status: 200, service.descriptionJSON) }
    router.get("/healthz") { _, _ in Self.json(status: 200, Data(#"{"status":"alive"}"#.utf8)) }
    router.get("/readyz") { _, _ -> Response in
      switch service.readiness {
      case .ready: return Self.json(status: 200, Data(#"{"status":"ready"}"#.utf8))
      case .warming(let reason):
        let body = try JSONSerialization.data(
          withJSONObject: ["status": "warming", "reason": reason], options: [.sortedKeys])
        return Self.json(status: 503, body)
      }
    }
    router.get("/metrics") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition(service))))
    }
    return router
  }

  static let timeoutHeader = HTTPField.Name("X-Request-Timeout")!

  static func json(status: Int, _ body: Data) -> Response {
    Response(
      status: .init(code: status), headers: [.contentType: "application/json"],
      body: .init(byteBuffer: ByteBuffer(bytes: body)))
  }

  static func json(_ refusal: RequestRefusal) -> Response {
    json(status: refusal.status.rawValue, refusal.body)
  }
}

/// Counts every answered request by status and times it.
struct RequestObserver<Context: RequestContext>: RouterMiddleware {
  let metrics: ServerMetrics

  func handle(
    _ request: Request, context: Context,
    next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let start = ContinuousClock.now
    do {
      let response = try await next(request, context)
      metrics.request(status: response.status.code, seconds: .now - start)
      return response
    } catch let error as any HTTPResponseError {
      metrics.request(status: error.status.code, seconds: .now - start)
      throw error
    } catch {
      metrics.request(status: 500, seconds: .now - start)
      throw error
    }
  }
}

/// Refuses, with 401, a request to any path but `open` that lacks an accepted bearer token.
/// The body says only that the request is unauthorized, nothing about valid tokens.
struct TokenCheck<Context: RequestContext>: RouterMiddleware {
  let tokens: BearerTokens
  let open: Set<String>

  func handle(
    _ request: Request, context: Context,
    next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    guard
      open.contains(request.uri.path)
        || tokens.accepts(authorization: request.headers[.authorization])
    else {
      var response = RewardServer.json(
        RequestRefusal(.unauthorized, "unauthorized: send Authorization: Bearer TOKEN"))
      response.headers[.wwwAuthenticate] = "Bearer"
      return response
    }
    return try await next(request, context)
  }
}

/// SIGTERM and SIGINT: the first starts a graceful shutdown, a second exits at once.
final class ShutdownSignals {
  private let sources: [any DispatchSourceSignal]

  init(onFirst: @escaping @Sendable () async -> Void) {
    let count = Mutex(0)
    sources = [SIGTERM, SIGINT].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        let seen = count.withLock { count -> Int in
          count += 1
          return count
        }
        if seen == 1 {
          FileHandle.standardError.write(
            Data("stopping: finishing the batches in flight (signal again to exit now)\n".utf8))
          Task { await onFirst() }
        } else {
          _exit(128 + number)
        }
      }
      source.resume()
      return source
    }
  }
}
