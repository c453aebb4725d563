import DurableFiles
import Foundation

/// Reads and writes named float32 tensors in the safetensors format (8-byte little-endian
/// header length, a JSON header giving each tensor's dtype, shape and byte range, then the
/// raw little-endian data), so checkpoints open in PyTorch. Writes are atomic and flushed to disk
/// (a crash leaves the old file or the new one).
public enum Safetensors {
  public static func write(
    _ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL
  ) throws {
    var header: [String] = []
    if !metadata.isEmpty {
      let object = try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys])
      header.append("\"__metadata__\":" + String(decoding: object, as: UTF8.self))
    }
    var payload = Data()
    for name in tensors.keys.sorted() {
      let tensor = tensors[name]!
      let start = payload.count
      for value in tensor.data {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.append(contentsOf: $0) }
      }
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      header.append(
        "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(start),\(payload.count)]}"
      )
    }
    var json = Data(("{" + header.joined(separator: ",") + "}").utf8)
    while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
    var file = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
    file.append(json)
    file.append(payload)
    try DurableFile.write(file, to: url)
  }

  /// The tensors of a safetensors file; only F32 tensors are supported.
  public static func read(_ url: URL) throws -> [String: Tensor] {
    try readWithMetadata(url).tensors
  }

  /// The tensors and the `__metadata__` string map of a safetensors file.
  public static func readWithMetadata(_ url: URL) throws -> (
    tensors: [String: Tensor], metadata: [String: String]
  ) {
    let data = try Data(contentsOf: url)
    func fail(_ message: String) -> Error {
      CocoaError(
        .fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(url.path): \(message)"])
    }
    guard data.count >= 8 else { throw fail("too short for a safetensors file") }
    let headerLength = Int(
      data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
    guard headerLength <= data.count - 8,
      let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + headerLength))
        as? [String: Any]
    else { throw fail("malformed header") }
    let body = data.subdata(in: 8 + headerLength..<data.count)
    var tensors: [String: Tensor] = [:]
    let metadata = header["__metadata__"] as? [String: String] ?? [:]
    for (name, value) in header where name != "__metadata__" {
      guard let entry = value as? [String: Any], entry["dtype"] as? String == "F32",
        let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
        offsets.count == 2, offsets[0] <= offsets[1], offsets[1] <= body.count,
        (offsets[1] - offsets[0]) == 4 * shape.reduce(1, *)
      else { throw fail("tensor \(name) is not a valid F32 entry") }
      let values = body.subdata(in: offsets[0]..<offsets[1]).withUnsafeBytes { raw in
        (0..<raw.count / 4).map {
          Float(
            bitPattern: UInt32(
              littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
        }
      }
      tensors[name] = Tensor(shape: shape, data: values)
    }
    return (tensors, metadata)
  }
}
