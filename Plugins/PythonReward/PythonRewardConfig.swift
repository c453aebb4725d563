import Foundation
import SwiftPluginKit

/// A PythonReward component's configuration, from the JSON the host passes to create():
/// `module` (a .py file or a module name), `function` (default `compute`), `python` (the
/// interpreter whose environment to use, default `python3` on PATH) and `params` (keyword
/// arguments for every call, default none).
struct PythonRewardConfig {
  let module: String
  let function: String
  let python: String
  let paramsJSON: String

  init(json: String) throws {
    guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
      let config = object as? [String: Any]
    else { throw PluginFailure("configuration is not a JSON object: \(json)") }
    func string(_ key: String, default fallback: String?) throws -> String {
      switch config[key] {
      case let value as String where !value.isEmpty: return value
      case nil, is NSNull:
        if let fallback { return fallback }
        throw PluginFailure("\(key) is required: a .py file or a module name on sys.path")
      case let other?: throw PluginFailure("\(key) must be a non-empty string, got \(other)")
      }
    }
    module = try string("module", default: nil)
    function = try string("function", default: "compute")
    python = try string("python", default: "python3")
    let params = config["params"] ?? [String: Any]()
    guard params is [String: Any],
      let data = try? JSONSerialization.data(withJSONObject: params)
    else { throw PluginFailure("params must be a map of keyword arguments") }
    paramsJSON = String(decoding: data, as: UTF8.self)
  }
}
