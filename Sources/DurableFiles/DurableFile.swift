import Foundation

/// Crash-safe file writes. `write` leaves either the old file or the new one, never a torn
/// one: the bytes go to a temporary file beside it, are flushed to disk, and the temporary
/// file is renamed over the old one (then the directory is flushed too). `append` adds bytes
/// and flushes them before returning; a crash during it can leave only a torn tail, which a
/// reader of whole records (lines, framed records) drops.
///
/// ```swift
/// try DurableFile.write(Data("step,reward\n".utf8), to: run.appendingPathComponent("log.csv"))
/// try DurableFile.append(Data("1,0.5\n".utf8), to: run.appendingPathComponent("log.csv"))
/// ```
public enum DurableFile {
  /// Appends `data` to the file at `url` (created when missing) and flushes it to disk.
  public static func append(_ data: Data, to url: URL) throws {
    let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure(url, "cannot open for appending") }
    defer { close(descriptor) }
    try data.withUnsafeBytes { buffer in
      var written = 0
      while written < buffer.count {
        let result = Foundation.write(
          descriptor, buffer.baseAddress! + written, buffer.count - written)
        if result < 0 && errno == EINTR { continue }
        guard result > 0 else { throw failure(url, "cannot append") }
        written += result
      }
    }
    guard fsync(descriptor) == 0 else { throw failure(url, "cannot flush") }
  }

  private static func failure(_ url: URL, _ what: String) -> Error {
    CocoaError(
      .fileWriteUnknown,
      userInfo: [
        NSFilePathErrorKey: url.path,
        NSLocalizedDescriptionKey: "\(what) \(url.path): \(String(cString: strerror(errno)))",
      ])
  }

  public static func write(_ data: Data, to url: URL) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(
      ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
    }
    do {
      let handle = try FileHandle(forWritingTo: temporary)
      defer { try? handle.close() }
      try handle.write(contentsOf: data)
      try handle.synchronize()
      guard rename(temporary.path, url.path) == 0 else {
        throw CocoaError(
          .fileWriteUnknown,
          userInfo: [
            NSFilePathErrorKey: url.path,
            NSLocalizedDescriptionKey: String(cString: strerror(errno)),
          ])
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
    let descriptor = open(directory.path, O_RDONLY)
    if descriptor >= 0 {
      fsync(descriptor)
      close(descriptor)
    }
  }
}
