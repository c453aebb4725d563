/// eˣ on four floats at once (Cephes expf: e^x = 2ⁿ·e^r with n = round(x/ln 2), r reduced
/// in two steps, e^r by a degree-6 polynomial), within 2 ulp of the scalar exp. Inputs are
/// clamped to [-87.3, 88], where eˣ and 2ⁿ are finite normal floats. Written with plain
/// arithmetic and bit casts so it compiles to SSE2 without library calls.
@inline(__always)
func vectorExp(_ x: SIMD4<Float>) -> SIMD4<Float> {
  var clamped = x
  clamped.replace(with: SIMD4(repeating: 88), where: clamped .> 88)
  clamped.replace(with: SIMD4(repeating: -87.3), where: clamped .< -87.3)
  // Adding 1.5·2²³ rounds to the nearest integer and leaves it in the low mantissa bits.
  let shifted = clamped * 1.442_695_04 + 12_582_912
  let n = shifted - 12_582_912
  let integer = unsafeBitCast(shifted, to: SIMD4<Int32>.self) &- 0x4B40_0000
  var r = clamped - n * 0.693_359_375
  r = r + n * 2.121_944_4e-4
  let r2 = r * r
  var p = SIMD4<Float>(repeating: 1.987_569_1e-4)
  p = p * r + 1.398_199_9e-3
  p = p * r + 8.333_452e-3
  p = p * r + 4.166_579_6e-2
  p = p * r + 0.166_666_65
  p = p * r + 0.5
  p = p * r2 + r + 1
  return p * unsafeBitCast((integer &+ 127) &<< 23, to: SIMD4<Float>.self)
}
