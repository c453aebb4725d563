import CrystalConfig
import XCTest

final class InterpolationTests: XCTestCase {
  func config(_ yaml: String) throws -> ConfigValue {
    try ConfigValue.parse(yaml: yaml, source: "test")
  }

  func testPathInterpolationKeepsTypesAndJoinsText() throws {
    let root = try config(
      "a: {b: 3}\nc: ${a.b}\nd: run-${a.b}/x\ne: ${c}\nlist:\n  - ${a.b}\n  - 2\n")
    let composed = ComposedConfig(root: root)
    XCTAssertEqual(try composed.resolved(at: "c"), .int(3))
    XCTAssertEqual(try composed.resolved(at: "d"), .string("run-3/x"))
    XCTAssertEqual(try composed.resolved(at: "e"), .int(3))
    XCTAssertEqual(try composed.resolved(at: "list"), .list([.int(3), .int(2)]))
  }

  func testResolversAndErrors() throws {
    let root = try config("ckpt: ${hub:mp_20_vae}\nmissing: ${nowhere.key}\nloop: ${loop}\n")
    let composed = ComposedConfig(
      root: root, resolvers: ["hub": { name in .string("/store/\(name).safetensors") }])
    XCTAssertEqual(try composed.resolved(at: "ckpt"), .string("/store/mp_20_vae.safetensors"))
    XCTAssertThrowsError(try composed.resolved(at: "missing")) { error in
      XCTAssertTrue("\(error)".contains("${nowhere.key} refers to a key that does not exist"))
    }
    XCTAssertThrowsError(try composed.resolved(at: "loop")) { error in
      XCTAssertTrue("\(error)".contains("interpolation cycle"))
    }
    XCTAssertThrowsError(try ComposedConfig(root: try config("x: ${foo:bar}")).resolved(at: "x")) {
      error in
      XCTAssertTrue("\(error)".contains("unknown resolver 'foo'"))
    }
  }

  func testResolutionIsLazy() throws {
    let root = try config("bad: ${hub:absent}\ngood: 1\n")
    let composed = ComposedConfig(
      root: root, resolvers: ["hub": { name in throw ConfigError("no checkpoint \(name)") }])
    XCTAssertEqual(try composed.resolved(at: "good"), .int(1))
    XCTAssertThrowsError(try composed.resolved(at: "bad"))
  }

  func testEnvironmentResolverDefault() throws {
    let root = try config("dir: ${oc.env:CRYSTALRL_SURELY_UNSET_VARIABLE,fallback}\n")
    XCTAssertEqual(try ComposedConfig(root: root).resolved(at: "dir"), .string("fallback"))
  }

  func testScalarRules() throws {
    let root = try config("a: 1e-4\nb: '1e-4'\nc: null\nd: ~\ne: true\nf: mp-20\ng: 10\n")
    XCTAssertEqual(root["a"], .double(1e-4))
    XCTAssertEqual(root["b"], .string("1e-4"))
    XCTAssertEqual(root["c"], .null)
    XCTAssertEqual(root["d"], .null)
    XCTAssertEqual(root["e"], .bool(true))
    XCTAssertEqual(root["f"], .string("mp-20"))
    XCTAssertEqual(root["g"], .int(10))
  }

  /// `${oc.env:}` crashed the resolver (index out of range) in the Config fuzz target.
  func testEnvironmentResolverWithoutNameIsAnError() throws {
    XCTAssertThrowsError(try ComposedConfig(root: try config("x: ${oc.env:}\n")).resolved(at: "x"))
    {
      error in
      XCTAssertEqual("\(error)", "${oc.env:} names no environment variable")
    }
  }
}
