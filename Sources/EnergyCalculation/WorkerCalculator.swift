import CrystalCore
import Foundation
import Synchronization
import WorkerProcess

/// An energy calculator backed by a long-lived Python worker process (scripts/chgnet_worker.py
/// for CHGNet, scripts/ase_worker.py for ASE calculators; both use
/// scripts/energy_worker_protocol.py) that speaks this line protocol, one JSON object per line:
///
///     worker → host (once, at start): {"ready": true, "model": "chgnet 0.3.0",
///                                      "version": "mace-torch 0.3.16"}   (version: optional)
///                                  or {"error": "why it cannot start"}
///     host → worker: {"op": "energy" | "relax", "structures": [S, ...],
///                     "fmax": eV/Å, "steps": N}          (fmax, steps: relax only)
///        where S = {"lattice": [9 numbers, rows a b c in Å], "numbers": [Z, ...],
///                   "frac": [3 numbers per atom]}
///     worker → host: {"energies": [eV per cell or null, ...],
///                     "structures": [S or null, ...]}   (relax only)
///
/// A greeting's `version` (the model's package and version) joins the identifier, so caches
/// keyed by it never mix two versions. A batch whose worker crashes or times out is retried one
/// structure at a time on a fresh worker, so only the structures that really fail get NaN.
public final class WorkerCalculator: EnergyCalculator {
  public let identifier: String
  public let worker: LineWorker
  /// Relaxation stops at this largest force (eV/Å) or after `relaxationSteps` steps.
  public let relaxationForce: Double
  public let relaxationSteps: Int
  public let startTimeout: Double
  private let settings: Mutex<Settings>

  /// The settings that may change after the start.
  private struct Settings {
    var secondsPerStructure: Double
    var relaxationFactor = 30.0
    var minimumTimeout: Double = 30
    var warn: @Sendable (String) -> Void = {
      FileHandle.standardError.write(Data("warning: \($0)\n".utf8))
    }
  }

  /// Seconds allowed per structure of a request (a request gets count × this, at least
  /// `minimumTimeout`); relaxations get `relaxationFactor` times as long.
  public var secondsPerStructure: Double {
    get { settings.withLock { $0.secondsPerStructure } }
    set { settings.withLock { $0.secondsPerStructure = newValue } }
  }
  public var relaxationFactor: Double {
    get { settings.withLock { $0.relaxationFactor } }
    set { settings.withLock { $0.relaxationFactor = newValue } }
  }
  public var minimumTimeout: Double {
    get { settings.withLock { $0.minimumTimeout } }
    set { settings.withLock { $0.minimumTimeout = newValue } }
  }
  /// Receives warnings about failed structures (default: standard error).
  public var warn: @Sendable (String) -> Void {
    get { settings.withLock { $0.warn } }
    set { settings.withLock { $0.warn = newValue } }
  }

  /// Starts the worker and waits for its greeting; a worker that cannot start (missing
  /// Python package, bad interpreter) is a clear error here.
  public init(
    identifier: String, worker: LineWorker, secondsPerStructure: Double = 5,
    startTimeout: Double = 300, relaxationForce: Double = 0.2, relaxationSteps: Int = 60
  ) throws {
    self.relaxationForce = relaxationForce
    self.relaxationSteps = relaxationSteps
    self.worker = worker
    settings = Mutex(Settings(secondsPerStructure: secondsPerStructure))
    self.startTimeout = startTimeout
    let greeting: String
    do { greeting = try worker.start(timeout: startTimeout) } catch {
      throw CalculatorError("\(identifier): \(error)")
    }
    let object = try? JSONSerialization.jsonObject(with: Data(greeting.utf8)) as? [String: Any]
    if let message = object?["error"] as? String {
      throw CalculatorError("\(identifier): \(message)")
    }
    guard object?["ready"] as? Bool == true else {
      throw CalculatorError("\(identifier): unexpected worker greeting '\(greeting)'")
    }
    let version = (object?["version"] as? String).map { " (\($0))" } ?? ""
    // The relaxation settings change relaxed energies, so they are part of the identity.
    self.identifier =
      "\(identifier)\(version) (relax: fmax \(relaxationForce), \(relaxationSteps) steps)"
  }

  public func totalEnergies(_ structures: [Structure]) -> [Double] {
    run("energy", structures).map { $0?.energy ?? .nan }
  }

  public func relax(_ structures: [Structure]) -> [(structure: Structure, energy: Double)?] {
    run("relax", structures).enumerated().map { index, result in
      guard let result else { return nil }
      return (result.structure ?? structures[index], result.energy)
    }
  }

  private typealias Result = (energy: Double, structure: Structure?)

  private func run(_ op: String, _ structures: [Structure]) -> [Result?] {
    guard !structures.isEmpty else { return [] }
    do {
      return try send(op, structures)
    } catch {
      guard structures.count > 1 else {
        warn("\(identifier): structure \(structures[0].id) failed: \(error)")
        return [nil]
      }
      warn("\(identifier): batch of \(structures.count) failed (\(error)); retrying one by one")
      return structures.flatMap { run(op, [$0]) }
    }
  }

  private func send(_ op: String, _ structures: [Structure]) throws -> [Result?] {
    let settings =
      op == "relax" ? ", \"fmax\": \(relaxationForce), \"steps\": \(relaxationSteps)" : ""
    let request =
      "{\"op\": \"\(op)\"\(settings), \"structures\": ["
      + structures.map(encode).joined(separator: ", ") + "]}"
    let perStructure = secondsPerStructure * (op == "relax" ? relaxationFactor : 1)
    let line = try worker.request(
      request, timeout: max(minimumTimeout, perStructure * Double(structures.count)),
      startTimeout: startTimeout)
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      let energies = object["energies"] as? [Any], energies.count == structures.count
    else {
      throw CalculatorError("malformed worker response '\(line.prefix(200))'")
    }
    let relaxed = object["structures"] as? [Any]
    return energies.enumerated().map { index, value in
      guard let energy = (value as? NSNumber)?.doubleValue, energy.isFinite else { return nil }
      let structure = (relaxed?[index] as? [String: Any]).flatMap {
        decode($0, id: structures[index].id)
      }
      return (energy, structure)
    }
  }

  private func encode(_ structure: Structure) -> String {
    let lattice = structure.lattice.matrix.flat.map { "\($0)" }.joined(separator: ", ")
    let numbers = structure.sites.map { "\($0.element.z)" }.joined(separator: ", ")
    let frac = structure.sites.flatMap { [$0.fractional.x, $0.fractional.y, $0.fractional.z] }
      .map { "\($0)" }.joined(separator: ", ")
    return "{\"lattice\": [\(lattice)], \"numbers\": [\(numbers)], \"frac\": [\(frac)]}"
  }

  private func decode(_ object: [String: Any], id: String) -> Structure? {
    guard let lattice = object["lattice"] as? [Double], lattice.count == 9,
      let numbers = object["numbers"] as? [Int], let frac = object["frac"] as? [Double],
      frac.count == numbers.count * 3,
      let matrix = try? Lattice(
        matrix: Matrix3(
          Vector3(lattice[0], lattice[1], lattice[2]), Vector3(lattice[3], lattice[4], lattice[5]),
          Vector3(lattice[6], lattice[7], lattice[8])))
    else { return nil }
    let elements = numbers.compactMap { Element(z: $0) }
    guard elements.count == numbers.count else { return nil }
    let coordinates = (0..<numbers.count).map {
      Vector3(frac[3 * $0], frac[3 * $0 + 1], frac[3 * $0 + 2])
    }
    return try? Structure(lattice: matrix, elements: elements, fractional: coordinates, id: id)
  }
}

/// An energy calculator that cannot be used, with the reason.
public struct CalculatorError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
