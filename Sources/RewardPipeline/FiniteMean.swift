/// The mean of the finite values of `values`; nil when there is none (no values, or every one
/// NaN or infinite). Abstaining structures (NaN rewards) and missing energies do not count.
/// Reports show nil as `null`/n/a; training records, whose fields are numbers, use
/// `finiteMean(x) ?? .nan`.
public func finiteMean(_ values: [Double]) -> Double? {
  let finite = values.filter(\.isFinite)
  return finite.isEmpty ? nil : finite.reduce(0, +) / Double(finite.count)
}
