import ChainRuleRender
import Foundation
import Testing

/// The `String(format:)` implementation `NumberFormat` replaced, kept as the reference.
private struct LegacyNumberFormat {
    var significantDigits: Int
    var smallestFixedExponent: Int
    var largestFixedExponent: Int
    var minus: String

    init(_ f: NumberFormat) {
        significantDigits = f.significantDigits
        smallestFixedExponent = f.smallestFixedExponent
        largestFixedExponent = f.largestFixedExponent
        minus = f.minus
    }

    func string(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? minus + "∞" : "∞" }
        if x == 0 { return "0" }
        let sign = x < 0 ? minus : ""
        let magnitude = abs(x)
        let scientific = String(format: "%.\(significantDigits - 1)e", magnitude)
        guard let e = scientific.firstIndex(of: "e"), let exponent = Int(scientific[scientific.index(after: e)...]) else {
            return sign + scientific
        }
        if exponent < smallestFixedExponent || exponent >= largestFixedExponent {
            let mantissa = trimZeros(String(scientific[..<e]))
            let expText = exponent < 0 ? minus + String(-exponent) : String(exponent)
            return sign + mantissa + "e" + expText
        }
        let decimals = max(0, significantDigits - 1 - exponent)
        let rounded = Double(scientific) ?? magnitude
        return sign + trimZeros(String(format: "%.\(decimals)f", rounded))
    }

    private func trimZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}

@Suite struct NumberFormatEquivalenceTests {
    static let formats: [NumberFormat] = [
        .figure, NumberFormat(minus: "-"), NumberFormat(significantDigits: 1), NumberFormat(significantDigits: 3, minus: "-"),
        NumberFormat(significantDigits: 6), NumberFormat(significantDigits: 15), NumberFormat(significantDigits: 16),
        NumberFormat(significantDigits: 17), NumberFormat(significantDigits: 4, smallestFixedExponent: -8, largestFixedExponent: 12),
        NumberFormat(significantDigits: 2, smallestFixedExponent: 0, largestFixedExponent: 1),
        NumberFormat(significantDigits: 17, smallestFixedExponent: -30, largestFixedExponent: 30),
        NumberFormat(significantDigits: 5, smallestFixedExponent: -330, largestFixedExponent: 320),
    ]

    static let edges: [Double] = [
        .nan, -.nan, .infinity, -.infinity, 0, -0.0, 1e-5, -1e-5, 9.9995, 9.9996, 9.9994, 99.995, 0.99995, 1e21, -1e21, 1e22, 1e23,
        0.125, 0.0125, 2.5, 0.5, 1.5, 1.25, 1.35, 12345, 12346, 12355, 99999, 99999.5, 100000, 123456, 0.001, 0.00099995,
        0.0001234, 1e-7, 1, -1, 220, 1.1, 0.1 + 0.2, 3.297442541400256, .pi, -.pi, .ulpOfOne, .leastNonzeroMagnitude,
        .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e15, 999999999999999, 9.999999999999999e14,
        1e16, 123456789012345680, 0.1, 0.7, 1e-300, 1.0000000000000002, 4.35, 4.45, 8.5, 9.5, 1e100, 1.7976931348623157e308,
    ]

    @Test func edgeValues() {
        for f in Self.formats {
            let legacy = LegacyNumberFormat(f)
            for x in Self.edges {
                #expect(f.string(x) == legacy.string(x), "\(x) with \(f)")
            }
        }
    }

    @Test func randomValues() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {  // SplitMix64: reproducible
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for f in Self.formats {
            let legacy = LegacyNumberFormat(f)
            var mismatches = 0
            for k in 0..<20_000 {
                let x: Double
                switch k % 4 {
                case 0: x = Double(bitPattern: next())                       // any bit pattern
                case 1: x = (Double(next() % 2_000_000) - 1_000_000) / 1000  // short decimals, ties
                case 2: x = Double(Int64(bitPattern: next()) % 100_000) * pow(10, Double(Int(next() % 40) - 20))
                default: x = Double(next() >> 11) / Double(1 << 53) * pow(10, Double(Int(next() % 30) - 15))
                }
                if f.string(x) != legacy.string(x) {
                    mismatches += 1
                    if mismatches < 5 { Issue.record("\(x) (\(x.bitPattern)) with \(f): \(f.string(x)) vs \(legacy.string(x))") }
                }
            }
            #expect(mismatches == 0)
        }
    }
}
