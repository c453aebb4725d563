import Foundation

/// The limits of a reward server: how many batches are scored at once and wait, how long a
/// request may take, and how large it may be.
///
/// ```swift
/// var limits = ServiceLimits()
/// limits.maxStructures = 512
/// ```
public struct ServiceLimits: Sendable, Equatable, Encodable {
  /// Batches scored at the same time (one pipeline replica each).
  public var maxConcurrency: Int
  /// Batches that may wait for a replica; beyond them a request gets 503.
  public var maxQueue: Int
  /// The longest deadline a request may ask for, and the deadline of those that ask none.
  public var maxRequestSeconds: Double
  /// The largest request body.
  public var maxBodyBytes: Int
  /// Structures per batch.
  public var maxStructures: Int
  /// Atoms per structure.
  public var maxAtoms: Int

  public init(
    maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount, maxQueue: Int = 16,
    maxRequestSeconds: Double = 300, maxBodyBytes: Int = 64 << 20, maxStructures: Int = 4096,
    maxAtoms: Int = 1024
  ) {
    self.maxConcurrency = maxConcurrency
    self.maxQueue = maxQueue
    self.maxRequestSeconds = maxRequestSeconds
    self.maxBodyBytes = maxBodyBytes
    self.maxStructures = maxStructures
    self.maxAtoms = maxAtoms
  }

  enum CodingKeys: String, CodingKey {
    case maxConcurrency = "max_concurrency"
    case maxQueue = "max_queue"
    case maxRequestSeconds = "max_request_seconds"
    case maxBodyBytes = "max_body_bytes"
    case maxStructures = "max_structures"
    case maxAtoms = "max_atoms"
  }
}
