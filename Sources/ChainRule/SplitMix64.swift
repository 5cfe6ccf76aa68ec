#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// The deterministic generator behind `randn(…, seed=…)`: SplitMix64
/// (Steele, Lea & Flood 2014) for 64-bit words, turned into standard normal
/// numbers by the Box–Muller transform. The same seed gives the same numbers
/// on every platform (the arithmetic is integer or IEEE `log`, `sqrt`,
/// `cos`, `sin` on doubles).
///
/// - word: `state &+= 0x9E3779B97F4A7C15; z = state;`
///   `z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB;`
///   `return z ^ (z >> 31)`
/// - uniform in (0, 1]: `(Double(word >> 11) + 1) / 2⁵³`
/// - two normals from uniforms `u1`, `u2`: `r = sqrt(−2 log u1)`,
///   `r cos(2π u2)` then `r sin(2π u2)`; elements are filled in row-major order.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state: 64 bits, advanced by every word.
    public private(set) var state: UInt64

    /// A generator whose numbers depend only on `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in (0, 1].
    public mutating func nextUniform() -> Double {
        (Double(next() >> 11) + 1) * 0x1p-53
    }

    /// `count` standard normal numbers (Box–Muller, both values of each pair used).
    public mutating func normals(_ count: Int) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(count)
        while out.count < count {
            let u1 = nextUniform(), u2 = nextUniform()
            let r = (-2 * log(u1)).squareRoot()
            let theta = 2 * Double.pi * u2
            out.append(r * cos(theta))
            if out.count < count { out.append(r * sin(theta)) }
        }
        return out
    }
}
