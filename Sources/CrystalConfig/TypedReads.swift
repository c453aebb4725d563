import Foundation

/// Typed reads of resolved config values; a missing key or a value of the wrong type is an
/// error naming the key.
///
/// ```swift
/// let steps = try config.int("trainer.max_steps")
/// let name = try config.string("checkpoint_name")
/// ```
extension Interpolator {
  /// The resolved value at `path`; a missing key is an error.
  public func value(_ path: String) throws -> ConfigValue {
    guard let value = try resolved(at: path) else {
      throw ConfigError("missing config key '\(path)'")
    }
    return value
  }

  public func int(_ path: String) throws -> Int {
    guard let number = try value(path).intValue else {
      throw ConfigError("'\(path)' must be an integer")
    }
    return number
  }

  public func double(_ path: String) throws -> Double {
    guard let number = try value(path).doubleValue, number.isFinite else {
      throw ConfigError("'\(path)' must be a finite number")
    }
    return number
  }

  public func string(_ path: String) throws -> String {
    guard let text = try value(path).stringValue else {
      throw ConfigError("'\(path)' must be a string")
    }
    return text
  }

  public func bool(_ path: String) throws -> Bool {
    guard let flag = try value(path).boolValue else {
      throw ConfigError("'\(path)' must be true or false")
    }
    return flag
  }
}
