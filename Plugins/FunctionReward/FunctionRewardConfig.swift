import Foundation
import SwiftPluginKit

/// A FunctionReward component's configuration, from the JSON the host passes to create():
/// `library`, `function`, `signature`, `batch` (default false) and `params` (a map of numbers,
/// default empty).
struct FunctionRewardConfig {
  let library: String
  let function: String
  let signature: String
  let batch: Bool
  let params: [String: Double]

  init(json: String) throws {
    guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
      let config = object as? [String: Any]
    else { throw PluginFailure("configuration is not a JSON object: \(json)") }
    func string(_ key: String) throws -> String {
      guard let value = config[key] as? String, !value.isEmpty else {
        throw PluginFailure("\(key) must be a non-empty string, got \(config[key] ?? "nothing")")
      }
      return value
    }
    library = try string("library")
    function = try string("function")
    signature = try string("signature")
    switch config["batch"] {
    case nil, is NSNull: batch = false
    case let flag as Bool: batch = flag
    case let other?: throw PluginFailure("batch must be true or false, got \(other)")
    }
    guard let params = (config["params"] ?? [String: Any]()) as? [String: Any] else {
      throw PluginFailure("params must be a map of names to numbers")
    }
    self.params = try params.mapValues { value in
      guard let number = value as? NSNumber, number.doubleValue.isFinite else {
        throw PluginFailure("params values must be finite numbers, got \(value)")
      }
      return number.doubleValue
    }
  }
}
