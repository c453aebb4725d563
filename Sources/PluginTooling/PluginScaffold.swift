import Foundation

/// `crystalrl plugin new`: writes a working plugin project — source, `build.sh`, a README with
/// the check command and a config snippet — that builds and passes `plugin check` untouched.
/// The sources are the package's own examples (the C and Swift atomic-density plugins, the
/// C++ and Rust examples), renamed, so a new project always matches the current ABI; the
/// header is copied in, so the project builds anywhere. They are built into the binary
/// (`EmbeddedTemplates`), so an installed `crystalrl` needs no source tree.
public struct PluginScaffold {
  /// The languages a project can be written in.
  public enum Language: String, CaseIterable, Sendable {
    case c, cpp, rust, swift, python
  }

  public init() {}

  /// Writes the project for plugin `name` in `directory` (created; must not hold files
  /// already); returns the paths written.
  public func write(name: String, language: Language, to directory: URL) throws -> [String] {
    guard name.first?.isLetter == true,
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
    else {
      throw ScaffoldError(
        "plugin name '\(name)' must be letters, digits and _, starting with a letter")
    }
    let manager = FileManager.default
    if let existing = try? manager.contentsOfDirectory(atPath: directory.path), !existing.isEmpty {
      throw ScaffoldError("\(directory.path) is not empty")
    }
    var files: [(String, String)] = []
    let header = try template("Sources/CrystalRLABI/include/crystalrl_plugin.h")
    let include = ("include/crystalrl_plugin.h", header)
    let library = "lib\(name).so"
    let build: String
    var check = "crystalrl plugin check ./\(library)"
    var component =
      "- plugin: \(directory.standardizedFileURL.path)/\(library)\n        component: atomic_density"
    switch language {
    case .c:
      files = [
        include,
        (
          "\(name).c",
          try template(
            "Plugins/AtomicDensity/atomic_density.c",
            renaming: "CRL_ABI_VERSION,\n    \"atomic_density\",",
            to: "CRL_ABI_VERSION,\n    \"\(name)\",")
        ),
      ]
      build = "cc -shared -fPIC -O2 -I include \(name).c -o \(library)"
      check += " --config '{\"target_density\": 0.05}'"
    case .cpp:
      files = [
        include,
        (
          "\(name).cpp",
          try template(
            "Examples/cpp-plugin/atomic_density.cpp", renaming: "\"atomic_density_cpp\"",
            to: "\"\(name)\"")
        ),
      ]
      build = "c++ -std=c++17 -shared -fPIC -O2 -I include \(name).cpp -o \(library)"
      check += " --config '{\"target_density\": 0.05}'"
    case .rust:
      files = [
        (
          "Cargo.toml",
          try template(
            "Examples/rust-plugin/Cargo.toml", renaming: "\"atomic_density_rs\"",
            to: "\"\(name)\"")
        ),
        ("src/abi.rs", try template("Examples/rust-plugin/src/abi.rs")),
        (
          "src/lib.rs",
          try template(
            "Examples/rust-plugin/src/lib.rs", renaming: "c\"atomic_density_rs\"",
            to: "c\"\(name)\"")
        ),
      ]
      build =
        "cargo build --release --offline --target-dir target && cp target/release/\(library) ."
      check += " --config '{\"target_density\": 0.05}'"
    case .swift:
      files = [
        include,
        (
          "include/module.modulemap",
          "module CrystalRLABI {\n  header \"crystalrl_plugin.h\"\n  export *\n}\n"
        ),
        (
          "Sources/\(name).swift",
          try template(
            "Plugins/AtomicDensitySwift/AtomicDensityPlugin.swift",
            renaming: "import SwiftPluginKit\n", to: ""
          )
          .replacingOccurrences(of: "\"atomic_density_swift\"", with: "\"\(name)\"")
        ),
        (
          "Sources/SwiftPluginKit.swift",
          try template("Plugins/SwiftPluginKit/SwiftPluginKit.swift")
        ),
      ]
      build =
        "swiftc -emit-library -O -parse-as-library -module-name \(name) -I include "
        + "Sources/*.swift -o \(library)"
    case .python:
      let module = directory.standardizedFileURL.appendingPathComponent("\(name).py").path
      files = [("\(name).py", Self.pythonTemplate)]
      build = "python3 -m py_compile \(name).py   # a syntax check: nothing to build"
      // Every create starts a Python process: fewer create/destroy cycles keep it quick.
      check =
        "crystalrl plugin check PythonReward --cycles 20 --config '{\"module\": \"\(module)\"}'"
      component = "- plugin: PythonReward\n        component: python\n        module: \(module)"
    }
    files.append(
      (
        "build.sh",
        "#!/usr/bin/env bash\n# Builds the \(name) plugin.\nset -euo pipefail\ncd \"$(dirname \"$0\")\"\n\(build)\n"
      ))
    files.append(
      (
        "README.md",
        readme(
          name: name, language: language, build: build, check: check, component: component)
      ))
    for (path, text) in files {
      let url = directory.appendingPathComponent(path)
      try manager.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    try manager.setAttributes(
      [.posixPermissions: 0o755], ofItemAtPath: directory.appendingPathComponent("build.sh").path)
    return files.map { directory.appendingPathComponent($0.0).path }
  }

  private func readme(
    name: String, language: Language, build: String, check: String, component: String
  ) -> String {
    """
    # \(name): a CrystalRL reward plugin (\(language.rawValue))

    Made by `crystalrl plugin new \(name) --language \(language.rawValue)`: the atomic-density
    reward (N/V, atoms per cubic Angstrom) as a starting point. Edit its compute function,
    then:

    ```sh
    ./build.sh        # \(build)
    \(check)
    ```

    The ABI's rules are in `crystalrl_plugin.h` (the README of CrystalRL, "Writing a reward
    plugin", walks through them). Use it in a reward config:

    ```yaml
    rl_module:
      reward_fn:
        components:
          \(component)
            weight: 1.0
            isolation: process   # while it is new: a crash costs one batch, not the run
    ```

    """
  }

  /// The Python project's module: the atomic density, for pymatgen structures and for the
  /// PythonReward plugin's light ones alike.
  static let pythonTemplate = #"""
    """A CrystalRL reward in Python, run by the PythonReward plugin.

    compute() gets the batch's structures (pymatgen Structures when pymatgen is importable in
    the interpreter, else objects with lattice, species, atomic_numbers, frac_coords and
    volume; len() is the number of atoms), the config's params as keyword arguments, and the
    metric columns its required_metrics names (e.g. [unique, novel]) as keyword arguments too,
    numpy arrays of shape (n,) or (n, width); it returns one float per structure. An exception
    is reported with its traceback."""


    def compute(structures, **params):
        return [len(structure) / structure.volume for structure in structures]

    """#

  /// The text of the package file at `path` (as built in), with `old` (which must occur)
  /// replaced by `new`.
  private func template(_ path: String, renaming old: String? = nil, to new: String = "") throws
    -> String
  {
    guard let text = EmbeddedTemplates.file(path) else {
      throw ScaffoldError("\(path) is not among the built-in templates")
    }
    guard let old else { return text }
    guard text.contains(old) else {
      throw ScaffoldError("the template \(path) no longer contains \(old.debugDescription)")
    }
    return text.replacingOccurrences(of: old, with: new)
  }
}

/// Why `PluginScaffold` could not write a project.
public struct ScaffoldError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

extension EmbeddedTemplates {
  /// The text of the built-in template at `path`; nil when there is none.
  static func file(_ path: String) -> String? {
    base64[path].flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }
      .map { String(decoding: $0, as: UTF8.self) }
  }
}
