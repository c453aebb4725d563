import CrystalCore

/// SMACT's composition validity, the rule generative-crystal papers report as "composition
/// validity" (CDVAE's `smact_validity`, `smact.screening.smact_validity` with the smact14
/// oxidation states): a composition is valid when
/// - it has one element, or every element is a metal (alloys), or
/// - some assignment of one oxidation state per element (from SMACT's 2014 set) makes the
///   reduced formula charge-neutral, and in that assignment every cation is less
///   electronegative (Pauling) than every anion.
///
/// An element without oxidation states (He, Ne, Ar) makes a mixed composition invalid; an
/// element without an electronegativity fails the electronegativity test, as in smact 4.
///
/// ```swift
/// CompositionValidity.isValid(structure.composition)  // true for CaTiO3, false for NaCl2
/// ```
public enum CompositionValidity {
  /// Whether `composition` passes SMACT's charge-neutrality and electronegativity rule.
  public static func isValid(_ composition: Composition) -> Bool {
    let elements = composition.elements
    guard elements.count > 1 else { return true }
    let entries = elements.map(SMACTElementData.entry)
    if entries.allSatisfy(\.isMetal) { return true }
    guard entries.allSatisfy({ !$0.oxidationStates.isEmpty }) else { return false }
    let reduced = composition.reduced
    let stoichiometry = elements.map { reduced.counts[$0]! }
    var states = [Int](repeating: 0, count: entries.count)

    /// Tries every oxidation state of element `index` onwards, `charge` being the charge of
    /// the elements before it; true at the first valid assignment.
    func search(_ index: Int, charge: Int) -> Bool {
      guard index < entries.count else {
        return charge == 0 && electronegativitiesOrdered(states, entries)
      }
      for state in entries[index].oxidationStates {
        states[index] = state
        if search(index + 1, charge: charge + state * stoichiometry[index]) { return true }
      }
      return false
    }
    return search(0, charge: 0)
  }

  /// SMACT's Pauling test: no cation at least as electronegative as an anion.
  private static func electronegativitiesOrdered(
    _ states: [Int], _ entries: [SMACTElementData.Entry]
  ) -> Bool {
    for first in states.indices {
      for second in states.indices where second > first {
        guard let a = entries[first].electronegativity, let b = entries[second].electronegativity
        else { return false }
        if states[first] > 0 && states[second] < 0 && a >= b { return false }
        if states[first] < 0 && states[second] > 0 && a <= b { return false }
      }
    }
    return true
  }
}
