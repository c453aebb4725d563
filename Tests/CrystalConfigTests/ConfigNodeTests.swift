import CrystalConfig
import XCTest

/// The one typed reader: every read knows its key's path, and every error names it.
final class ConfigNodeTests: XCTestCase {
  let root = ConfigNode(
    try! ConfigValue.parse(
      yaml: """
        reward_fn:
          eps: 1e-4
          name: density
          components:
            - weight: 2
              flag: true
            - weight: heavy
        """, source: "test"), path: "")

  func error(_ read: () throws -> Any) -> ConfigError? {
    do {
      _ = try read()
      XCTFail("no error")
    } catch {
      XCTAssertNotNil(error as? ConfigError, "\(error)")
      return error as? ConfigError
    }
    return nil
  }

  func testPathsOfMapKeysAndListItems() throws {
    let weight = root["reward_fn"]["components"][0]["weight"]
    XCTAssertEqual(weight.path, "reward_fn.components.0.weight")
    XCTAssertEqual(try weight.double(), 2)
    XCTAssertEqual(try weight.int(), 2)
    XCTAssertEqual(try root["reward_fn"]["eps"].double(), 1e-4)
    XCTAssertEqual(try root["reward_fn"]["name"].string(), "density")
    XCTAssertEqual(try root["reward_fn"]["components"][0]["flag"].bool(), true)
    XCTAssertEqual(
      try root["reward_fn"]["components"].list().map(\.path),
      ["reward_fn.components.0", "reward_fn.components.1"])
    XCTAssertEqual(try root["reward_fn"].keys(), ["components", "eps", "name"])
  }

  func testAbsentKeysAreOptionalAndMissingWhenRequired() throws {
    let absent = root["reward_fn"]["components"][5]["weight"]
    XCTAssertEqual(absent.path, "reward_fn.components.5.weight")
    XCTAssertFalse(absent.exists)
    XCTAssertTrue(absent.isNull)
    XCTAssertNil(try absent.optional { try $0.double() })
    XCTAssertEqual(
      error { try absent.double() },
      ConfigError(
        key: "reward_fn.components.5.weight",
        "missing config key 'reward_fn.components.5.weight'"))
  }

  func testAWrongTypeIsAnErrorNamingTheKeyNeverAbsent() {
    let weight = root["reward_fn"]["components"][1]["weight"]
    XCTAssertEqual(
      error { try weight.optional { try $0.double() } as Any },
      ConfigError(
        key: "reward_fn.components.1.weight",
        "reward_fn.components.1.weight must be a finite number, got \"heavy\""))
    XCTAssertEqual(error { try root["reward_fn"]["eps"].string() }?.key, "reward_fn.eps")
    XCTAssertEqual(error { try root["reward_fn"]["eps"].int() }?.key, "reward_fn.eps")
    XCTAssertEqual(error { try root["reward_fn"]["name"].bool() }?.key, "reward_fn.name")
    XCTAssertEqual(error { try root["reward_fn"]["name"].list() }?.key, "reward_fn.name")
  }

  func testPositiveIntegers() {
    let node = { (yaml: String) in ConfigNode(try! ConfigValue.parseValue(yaml), path: "n") }
    XCTAssertEqual(try node("3").positiveInt(), 3)
    for bad in ["0", "-1", "1.5", "x"] {
      XCTAssertEqual(
        error { try node(bad).positiveInt() }?.description.hasPrefix(
          "n must be a positive integer, got"), true, bad)
    }
  }

  func testUnknownKeysAreRefusedByName() {
    let component = root["reward_fn"]["components"][0]
    XCTAssertNoThrow(try component.checkKeys(allowed: ["weight", "flag"]))
    XCTAssertEqual(
      error { try component.checkKeys(allowed: ["weight"], subject: "atomic_density") },
      ConfigError(
        key: "reward_fn.components.0",
        "reward_fn.components.0 (atomic_density): unknown key(s) flag; valid: weight"))
  }

  func testComposedConfigReadsThroughNodes() throws {
    let config = ComposedConfig(
      root: try ConfigValue.parse(yaml: "a: {b: 3, c: '${a.b}'}\n", source: "test"))
    XCTAssertEqual(try config.node("a")["c"].int(), 3)
    XCTAssertEqual(try config.node("a")["c"].path, "a.c")
    XCTAssertEqual(try config.int("a.c"), 3)
    XCTAssertEqual(error { try config.string("a.b") }?.key, "a.b")
    XCTAssertEqual(error { try config.int("a.d") }?.key, "a.d")
  }
}
