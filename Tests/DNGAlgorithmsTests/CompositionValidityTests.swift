import CrystalCore
import TestSupport
import XCTest

@testable import DNGAlgorithms

/// SMACT composition validity against the `smact` package (`smact_validity` with the smact14
/// oxidation states) on every composition of perov_5 and carbon_24, and on 1,500 made from
/// perov_5's element sets with other amounts (1 to 5 of each).
final class CompositionValidityTests: XCTestCase {
  func testTableIsOrderedByAtomicNumber() {
    for element in Element.all {
      XCTAssertEqual(SMACTElementData.entry(element).symbol, element.symbol)
    }
  }

  func testKnownCompositions() throws {
    func valid(_ counts: [String: Int]) -> Bool {
      CompositionValidity.isValid(
        Composition(
          counts: Dictionary(
            uniqueKeysWithValues: counts.map { (Element(symbol: $0.key)!, $0.value) })))
    }
    XCTAssertTrue(valid(["Ca": 1, "Ti": 1, "O": 3]))
    XCTAssertTrue(valid(["Na": 2, "Cl": 2]))
    XCTAssertFalse(valid(["Na": 1, "Cl": 2]))
    XCTAssertTrue(valid(["C": 8]))
    XCTAssertTrue(valid(["Cu": 3, "Au": 1]))  // an alloy
    XCTAssertFalse(valid(["Ar": 1, "O": 1]))
  }

  func testAgreesWithSmactOnSharedDatasets() throws {
    var compositions: [Composition] = []
    for dataset in ["perov_5/val.csv", "carbon_24/val.csv"] {
      let records = try CDVAEDataset.read(SharedData.url(dataset))
      compositions += Set(records.map(\.structure.composition.reduced))
    }
    compositions += compositions.prefix(1500).enumerated().map { index, composition in
      Composition(
        counts: Dictionary(
          uniqueKeysWithValues: composition.elements.map { ($0, (index * 7 + $0.z) % 5 + 1) }))
    }
    let ours = compositions.map(CompositionValidity.isValid)
    let input = compositions.map { composition in
      composition.counts.map { "\($0.key.symbol)\($0.value)" }.joined(separator: " ")
    }.joined(separator: "\n")
    let theirs = try PythonOracle.json(
      [Bool].self,
      """
      import json, sys, warnings
      warnings.filterwarnings("ignore")
      from smact.screening import smact_validity
      print(json.dumps([smact_validity(line, oxidation_states_set="smact14")
                        for line in sys.stdin.read().splitlines()]))
      """, input: input)
    let disagreements = zip(compositions, zip(ours, theirs)).filter { $1.0 != $1.1 }
    print(
      "composition validity vs smact: \(compositions.count - disagreements.count)/"
        + "\(compositions.count) compositions agree, \(ours.filter { $0 }.count) valid")
    XCTAssertEqual(disagreements.map { "\($0.0)" }, [])
    XCTAssertEqual(theirs.count, compositions.count)
  }
}
