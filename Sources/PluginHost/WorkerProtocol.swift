import BinaryCoding
import Foundation
import WorkerProcess

// The protocol between the host and `crystalrl-plugin-worker`, both directions and both ends.
//
// Descriptors of the worker process:
//   0      /dev/null
//   1, 2   one pipe to the host, which prints every line on its own stderr as
//          "[plugin COMPONENT] line" (the plugin's printf cannot reach the protocol)
//   3      requests, host -> worker (a stream socket)
//   4      replies, worker -> host (a stream socket)
//   5      the batch: a memfd the host writes and the worker maps read-only (compute only)
//
// Every message is one frame: UInt32 payload length, UInt8 kind, payload; integers and
// doubles little-endian, strings as UInt32 length + UTF-8 bytes. One request, one reply:
//
//   describe                                   -> description(JSON of PluginInfo)
//   create(kind: 0 component | 1 provider,     -> created
//          name, config JSON)
//   compute(structures, atoms, mapped bytes,   -> rewards(count the plugin reported,
//           [(metric name, width)])                        width Float64s per structure)
//   compute twice(the same fields as compute)  -> reward pair(rewards, rewards): the created
//                                                 component and a second one made like it,
//                                                 computing the batch at the same time on
//                                                 two threads (`plugin check`)
//   any request                                -> failure(JSON of PluginError)
//
// The batch's arrays sit in the mapping as `BatchLayout` places them. End of file on the
// request socket ends the worker.

/// A request from the host to the worker.
enum WorkerRequest {
  case describe
  case create(PluginSubject, configJSON: String)
  case compute(ComputeHeader)
  case computeTwice(ComputeHeader)

  /// What a compute request says about the batch in the shared mapping.
  struct ComputeHeader {
    var structures: Int
    var atoms: Int
    /// Bytes of the mapping the host has written (the worker maps at least this much).
    var mappedBytes: Int
    var metrics: [(name: String, width: Int)]

    var layout: BatchLayout {
      BatchLayout(structures: structures, atoms: atoms, metricWidths: metrics.map(\.width))
    }
  }

  func frame() -> [UInt8] {
    var writer = ByteWriter()
    switch self {
    case .describe:
      return writer.frame(kind: 1)
    case .create(let subject, let configJSON):
      switch subject {
      case .component: writer.integer(UInt8(0))
      case .provider: writer.integer(UInt8(1))
      }
      writer.string(subject.name)
      writer.string(configJSON)
      return writer.frame(kind: 2)
    case .compute(let header):
      writer.header(header)
      return writer.frame(kind: 3)
    case .computeTwice(let header):
      writer.header(header)
      return writer.frame(kind: 4)
    }
  }

  init(kind: UInt8, payload: ArraySlice<UInt8>) throws {
    var reader = ByteReader(payload)
    switch kind {
    case 1: self = .describe
    case 2:
      let kind = try reader.integer(UInt8.self)
      let name = try reader.string()
      guard kind <= 1 else { throw ProtocolError("unknown kind \(kind) of a create request") }
      self = .create(
        kind == 0 ? .component(name) : .provider(name), configJSON: try reader.string())
    case 3: self = .compute(try reader.header())
    case 4: self = .computeTwice(try reader.header())
    default: throw ProtocolError("unknown request kind \(kind)")
    }
    try reader.expectEnd()
  }
}

/// A reply from the worker to the host.
enum WorkerReply {
  case description(PluginInfo)
  case created
  case rewards(count: Int, values: [Double])
  case failure(PluginError)
  case rewardPair(first: (count: Int, values: [Double]), second: (count: Int, values: [Double]))

  func frame() -> [UInt8] {
    var writer = ByteWriter()
    switch self {
    case .description(let info):
      writer.json(info)
      return writer.frame(kind: 101)
    case .created:
      return writer.frame(kind: 102)
    case .rewards(let count, let values):
      writer.rewards(count, values)
      return writer.frame(kind: 103)
    case .failure(let error):
      writer.json(error)
      return writer.frame(kind: 104)
    case .rewardPair(let first, let second):
      writer.rewards(first.count, first.values)
      writer.rewards(second.count, second.values)
      return writer.frame(kind: 105)
    }
  }

  init(kind: UInt8, payload: ArraySlice<UInt8>) throws {
    var reader = ByteReader(payload)
    switch kind {
    case 101: self = .description(try reader.json(PluginInfo.self))
    case 102: self = .created
    case 103:
      let rewards = try reader.rewards()
      self = .rewards(count: rewards.count, values: rewards.values)
    case 104: self = .failure(try reader.json(PluginError.self))
    case 105: self = .rewardPair(first: try reader.rewards(), second: try reader.rewards())
    default: throw ProtocolError("unknown reply kind \(kind)")
    }
    try reader.expectEnd()
  }
}

/// Where each array of a batch sits in the shared mapping: offsets (UInt64 × structures+1),
/// atomic numbers (Int32 × atoms), fractional coordinates (Float64 × 3·atoms), lattices
/// (Float64 × 9·structures), then each metric (Float64 × structures·width); every array starts
/// on an 8-byte boundary.
struct BatchLayout: Equatable {
  let offsets: Int
  let numbers: Int
  let coordinates: Int
  let lattices: Int
  let metrics: [Int]
  /// Bytes the whole batch needs.
  let size: Int

  /// Refuses counts whose arrays could not fit in memory (a corrupt header, not a batch).
  static let maximumBytes = 1 << 40

  init(structures: Int, atoms: Int, metricWidths: [Int]) {
    func aligned(_ bytes: Int) -> Int { (bytes + 7) & ~7 }
    var cursor = 0
    func place(_ bytes: Int) -> Int {
      defer { cursor += aligned(bytes) }
      return cursor
    }
    offsets = place(8 * (structures + 1))
    numbers = place(4 * atoms)
    coordinates = place(24 * atoms)
    lattices = place(72 * structures)
    metrics = metricWidths.map { place(8 * structures * $0) }
    size = cursor
  }

  /// Whether the counts are small enough that the layout's arithmetic cannot overflow.
  static func isPlausible(structures: Int, atoms: Int, metricWidths: [Int]) -> Bool {
    let limit = maximumBytes / 72
    return structures < limit && atoms < limit
      && metricWidths.allSatisfy { $0 > 0 && $0 < limit / max(structures, 1) }
      && metricWidths.count < 4096
  }
}

/// A reply or request that does not follow the protocol.
struct ProtocolError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Cuts frames out of a byte stream.
struct FrameBuffer {
  /// Frames larger than this are refused (a batch's rewards are far smaller).
  static let maximumPayload = 256 << 20
  private var bytes: [UInt8] = []

  mutating func append(_ data: ArraySlice<UInt8>) { bytes += data }

  var isEmpty: Bool { bytes.isEmpty }

  /// The next complete frame, nil while incomplete; throws on an impossible length, showing
  /// the first bytes that arrived.
  mutating func next() throws -> (kind: UInt8, payload: ArraySlice<UInt8>)? {
    guard bytes.count >= 5 else { return nil }
    var reader = ByteReader(bytes[0..<4])
    let length = Int(try reader.integer(UInt32.self))
    guard length <= Self.maximumPayload else {
      throw ProtocolError("a frame of \(length) bytes; the stream starts with \(preview)")
    }
    guard bytes.count >= 5 + length else { return nil }
    let frame = (bytes[4], ArraySlice(bytes[5..<5 + length]))
    bytes.removeFirst(5 + length)
    return frame
  }

  /// The first bytes held, as text where printable.
  var preview: String {
    let head = bytes.prefix(64).map { byte -> String in
      (32..<127).contains(byte) ? String(UnicodeScalar(byte)) : String(format: "\\x%02x", byte)
    }
    return "\"\(head.joined())\"" + (bytes.count > 64 ? "..." : "")
  }
}

/// Writes every byte of `bytes` to the socket `descriptor` (never raising SIGPIPE); false when
/// the peer is gone.
func sendAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
  var sent = 0
  while sent < bytes.count {
    let count = bytes[sent...].withUnsafeBytes {
      send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
    }
    if count < 0 && errno == EINTR { continue }
    guard count > 0 else { return false }
    sent += count
  }
  return true
}

/// The protocol's fields on top of the plain little-endian writer: length-prefixed strings,
/// JSON values, and frames.
extension ByteWriter {
  mutating func string(_ value: String) {
    let utf8 = Array(value.utf8)
    integer(UInt32(utf8.count))
    append(utf8)
  }

  mutating func json<T: Encodable>(_ value: T) {
    // Encoding these plain value types cannot fail.
    string(String(decoding: try! JSONEncoder().encode(value), as: UTF8.self))
  }

  /// A compute request's description of the batch.
  mutating func header(_ header: WorkerRequest.ComputeHeader) {
    integer(UInt64(header.structures))
    integer(UInt64(header.atoms))
    integer(UInt64(header.mappedBytes))
    integer(UInt32(header.metrics.count))
    for metric in header.metrics {
      string(metric.name)
      integer(UInt64(metric.width))
    }
  }

  /// A compute result: the count the plugin reported, then the reward slots.
  mutating func rewards(_ count: Int, _ values: [Double]) {
    integer(UInt64(count))
    integer(UInt64(values.count))
    for value in values { integer(value.bitPattern) }
  }

  /// The frame: payload length, `kind`, payload.
  func frame(kind: UInt8) -> [UInt8] {
    var header = ByteWriter()
    header.integer(UInt32(bytes.count))
    return header.bytes + [kind] + bytes
  }
}

/// The protocol's fields on top of the plain little-endian reader: plausible counts,
/// length-prefixed strings, JSON values, and the end of a message.
extension ByteReader {
  /// An unsigned integer that must be a plausible count or size.
  mutating func count<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type) throws -> Int {
    let value = try integer(type)
    guard value < 1 << 40 else { throw ProtocolError("implausible count \(value)") }
    return Int(value)
  }

  /// A count of items that follow, each at least `itemSize` bytes: more than the rest of the
  /// message can hold is an error (so a forged count never sizes an allocation).
  mutating func count<T: FixedWidthInteger & UnsignedInteger>(
    _ type: T.Type, ofItemsAtLeast itemSize: Int
  ) throws -> Int {
    let value = try count(type)
    guard value <= remaining / itemSize else {
      throw ProtocolError("a count of \(value) items does not fit the message")
    }
    return value
  }

  mutating func string() throws -> String {
    try string(try count(UInt32.self))
  }

  mutating func header() throws -> WorkerRequest.ComputeHeader {
    let structures = try count(UInt64.self)
    let atoms = try count(UInt64.self)
    let mappedBytes = try count(UInt64.self)
    let metrics = try (0..<count(UInt32.self, ofItemsAtLeast: 12)).map { _ in
      (name: try string(), width: try count(UInt64.self))
    }
    return .init(structures: structures, atoms: atoms, mappedBytes: mappedBytes, metrics: metrics)
  }

  mutating func rewards() throws -> (count: Int, values: [Double]) {
    let reported = try count(UInt64.self)
    let values = try (0..<count(UInt64.self, ofItemsAtLeast: 8)).map { _ in
      Double(bitPattern: try integer(UInt64.self))
    }
    return (reported, values)
  }

  mutating func json<T: Decodable>(_ type: T.Type) throws -> T {
    let text = try string()
    do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
      throw ProtocolError("undecodable \(type): \(text.prefix(200))")
    }
  }

  func expectEnd() throws {
    guard remaining == 0 else {
      throw ProtocolError("\(remaining) unexpected bytes after the message")
    }
  }
}

/// The host's end of the shared batch: a memfd, grown as batches need, mapped read-write.
final class SharedBatchWriter {
  let descriptor: Int32
  private var mapping: UnsafeMutableRawPointer?
  private var capacity = 0

  init() throws {
    descriptor = try Descriptors.sharedMemory(name: "crystalrl-batch")
  }

  deinit {
    if let mapping { munmap(mapping, capacity) }
    close(descriptor)
  }

  /// Copies `batch` and `metrics` into the mapping; returns the request that describes them.
  func write(_ batch: RawBatch) throws -> WorkerRequest.ComputeHeader {
    let layout = BatchLayout(
      structures: batch.structures, atoms: batch.atoms, metricWidths: batch.metrics.map(\.width))
    try reserve(layout.size)
    let base = mapping!
    func copy<T>(_ source: UnsafePointer<T>?, count: Int, to offset: Int) {
      guard let source, count > 0 else { return }
      (base + offset).copyMemory(from: source, byteCount: count * MemoryLayout<T>.stride)
    }
    copy(batch.offsets, count: batch.structures + 1, to: layout.offsets)
    copy(batch.numbers, count: batch.atoms, to: layout.numbers)
    copy(batch.coordinates, count: 3 * batch.atoms, to: layout.coordinates)
    copy(batch.lattices, count: 9 * batch.structures, to: layout.lattices)
    for (metric, offset) in zip(batch.metrics, layout.metrics) {
      copy(metric.values, count: batch.structures * metric.width, to: offset)
    }
    return .init(
      structures: batch.structures, atoms: batch.atoms, mappedBytes: layout.size,
      metrics: batch.metrics.map { ($0.name, $0.width) })
  }

  private func reserve(_ size: Int) throws {
    guard size > capacity else { return }
    let grown = max(size, 2 * capacity, 1 << 16)
    guard ftruncate(descriptor, off_t(grown)) == 0 else {
      throw ProtocolError("cannot grow the batch memory: \(String(cString: strerror(errno)))")
    }
    if let mapping { munmap(mapping, capacity) }
    let mapped = mmap(nil, grown, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
    guard let mapped, mapped != MAP_FAILED else {
      mapping = nil
      capacity = 0
      throw ProtocolError("cannot map the batch memory: \(String(cString: strerror(errno)))")
    }
    mapping = mapped
    capacity = grown
  }
}

/// The worker's end of the shared batch: the host's memfd mapped read-only, remapped when the
/// host has grown it.
final class SharedBatchReader {
  let descriptor: Int32
  private var mapping: UnsafeRawPointer?
  private var size = 0

  init(descriptor: Int32) { self.descriptor = descriptor }

  deinit { if let mapping { munmap(UnsafeMutableRawPointer(mutating: mapping), size) } }

  /// Runs `body` on the batch `header` describes, after checking that its layout fits the
  /// memory the host shared.
  func withBatch<R>(_ header: WorkerRequest.ComputeHeader, _ body: (RawBatch) throws -> R) throws
    -> R
  {
    let widths = header.metrics.map(\.width)
    guard
      BatchLayout.isPlausible(
        structures: header.structures, atoms: header.atoms, metricWidths: widths)
    else { throw ProtocolError("implausible batch header") }
    let layout = header.layout
    guard layout.size <= header.mappedBytes else {
      throw ProtocolError("the batch needs \(layout.size) bytes, \(header.mappedBytes) are shared")
    }
    try map(atLeast: header.mappedBytes)
    let base = mapping!
    func pointer<T>(_ offset: Int, _ type: T.Type) -> UnsafePointer<T> {
      (base + offset).assumingMemoryBound(to: T.self)
    }
    return try body(
      RawBatch(
        structures: header.structures, atoms: header.atoms,
        offsets: pointer(layout.offsets, UInt64.self), numbers: pointer(layout.numbers, Int32.self),
        coordinates: pointer(layout.coordinates, Double.self),
        lattices: pointer(layout.lattices, Double.self),
        metrics: zip(header.metrics, layout.metrics).map { metric, offset in
          RawBatch.Metric(
            name: metric.name, width: metric.width, values: pointer(offset, Double.self))
        }))
  }

  private func map(atLeast bytes: Int) throws {
    guard bytes > size || mapping == nil else { return }
    var status = stat()
    guard fstat(descriptor, &status) == 0, Int(status.st_size) >= max(bytes, 1) else {
      throw ProtocolError("the shared batch memory holds fewer than \(bytes) bytes")
    }
    if let mapping { munmap(UnsafeMutableRawPointer(mutating: mapping), size) }
    mapping = nil
    let length = Int(status.st_size)
    let mapped = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, 0)
    guard let mapped, mapped != MAP_FAILED else {
      throw ProtocolError("cannot map the batch memory: \(String(cString: strerror(errno)))")
    }
    mapping = UnsafeRawPointer(mapped)
    size = length
    BatchWriteDetector.watch(UnsafeRawPointer(mapped), length: length)
  }
}
