import CrystalConfig
import CrystalCore
import CrystalModels
import Foundation

/// Typed reads of resolved config values, with errors naming the key.
extension Interpolator {
  func value(_ path: String) throws -> ConfigValue {
    guard let value = try resolved(at: path) else {
      throw ConfigError("missing config key '\(path)'")
    }
    return value
  }

  func int(_ path: String) throws -> Int {
    guard let number = try value(path).intValue else {
      throw ConfigError("'\(path)' must be an integer")
    }
    return number
  }

  func double(_ path: String) throws -> Double {
    guard let number = try value(path).doubleValue, number.isFinite else {
      throw ConfigError("'\(path)' must be a finite number")
    }
    return number
  }

  func string(_ path: String) throws -> String {
    guard let text = try value(path).stringValue else {
      throw ConfigError("'\(path)' must be a string")
    }
    return text
  }

  func bool(_ path: String) throws -> Bool {
    guard let flag = try value(path).boolValue else {
      throw ConfigError("'\(path)' must be true or false")
    }
    return flag
  }

  /// The VAE of `rl_module.vae_ckpt_path` when that checkpoint exists, for scoring outside
  /// training with the features training uses; otherwise nil, with a note on stderr.
  func trainedVAE() -> CrystalVAE? {
    do {
      return try ModelCheckpoint.loadVAE(
        URL(fileURLWithPath: try string("rl_module.vae_ckpt_path")))
    } catch {
      FileHandle.standardError.write(
        Data("note: no VAE for the diversity features (\(error))\n".utf8))
      return nil
    }
  }

  /// The training structures of the configured dataset (`data.name` builtin, or
  /// `data.train_file`), keeping those with at most `maxAtoms` atoms.
  func trainingStructures(maxAtoms: Int) throws -> [Structure] {
    let all =
      try string("data.name") == "builtin"
      ? PrototypeLibrary.structures()
      : try CDVAEDataset.read(URL(fileURLWithPath: try string("data.train_file"))).map(\.structure)
    let kept = all.filter { $0.count <= maxAtoms }
    guard !kept.isEmpty else {
      throw ConfigError("no training structure has at most \(maxAtoms) atoms")
    }
    if kept.count < all.count {
      print("note: skipped \(all.count - kept.count) structures with more than \(maxAtoms) atoms")
    }
    return kept
  }
}
