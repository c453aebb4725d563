/// Text of `value` that reads back as exactly the same `Double`, for machine-readable outputs
/// (CSV, JSON) where rounding would lose what a script reads back; tables for people may
/// round. Whole numbers below 2^53 are written as integers (`6`, `0`; -0 as `0`), others in
/// Swift's shortest round-trip form (`0.23333333333333334`, `1e-07`). Non-finite values are
/// written `nan`, `inf` and `-inf`; a JSON writer writes them as `null`.
public func exactNumber(_ value: Double) -> String {
  if value.rounded() == value, abs(value) < 0x1p53 { return String(Int64(value)) }
  return "\(value)"
}
