import Foundation
import LocalCache

/// The local store of named model checkpoints that `${hub:NAME}` resolves against:
/// `$CRYSTALRL_CHECKPOINTS`, else `checkpoints/` under the cache root (`CacheRoot`:
/// `$CRYSTALRL_CACHE`, else `~/.cache/crystalrl`). Checkpoint NAME is the
/// file NAME.safetensors there.
///
/// ```swift
/// try ModelCheckpoint.save(vae, to: try CheckpointStore.standard.url(for: "perov_5_vae"))
/// let path = try CheckpointStore.standard.existing("perov_5_vae")
/// ```
public struct CheckpointStore {
  public let directory: URL

  public init(directory: URL) { self.directory = directory }

  /// The store of this process's environment.
  public static var standard: CheckpointStore {
    standard(environment: ProcessInfo.processInfo.environment)
  }

  /// The store under `environment`: `CRYSTALRL_CHECKPOINTS` (the more specific override),
  /// else `checkpoints/` under the cache root.
  public static func standard(environment: [String: String]) -> CheckpointStore {
    if let path = environment["CRYSTALRL_CHECKPOINTS"], !path.isEmpty {
      return CheckpointStore(directory: URL(fileURLWithPath: path))
    }
    return CheckpointStore(
      directory: CacheRoot.subdirectory("checkpoints", environment: environment))
  }

  /// Where checkpoint `name` is (or will be) stored; creates the store directory.
  public func url(for name: String) throws -> URL {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("\(name).safetensors")
  }

  /// The file of checkpoint `name`; a missing one is an error saying how to make it.
  public func existing(_ name: String) throws -> URL {
    let file = directory.appendingPathComponent("\(name).safetensors")
    guard FileManager.default.fileExists(atPath: file.path) else {
      let maker =
        name.hasSuffix("_vae")
        ? "crystalrl train-vae"
        : name.contains("_predictor")
          ? "crystalrl train-predictor"
          : name.contains("_rl") ? "crystalrl train-rl" : "crystalrl train-ldm"
      throw ModelCheckpoint.Failure(
        description: "checkpoint '\(name)' is not in the local store \(directory.path); make it "
          + "with `\(maker)` (it registers the result under that name) or copy a "
          + "\(name).safetensors file there (CRYSTALRL_CHECKPOINTS overrides the store)")
    }
    return file
  }
}
