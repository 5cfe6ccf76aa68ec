@testable import ChainRuleRender
import Foundation
import Testing

/// The SVG renderer's numbers written without printf
/// (`Sources/CGraphvizGuard/svg_numbers.c`) are Graphviz 2.42's
/// `gvprintdouble` bytes: `%.02f` by glibc, trailing zeros and a bare `.`
/// trimmed, |x| < 1e-8 written as 0. (`SVGNumbersCLITests` compares whole
/// SVG files drawn with and without it.)
@Suite struct SVGNumberTests {
    /// `gvprintdouble`'s text for `x`, from glibc's `vsnprintf` as Graphviz writes it.
    static func graphviz(_ x: Double) -> String {
        let v = x > -1e-8 && x < 1e-8 ? 0.0 : x
        var buffer = [CChar](repeating: 0, count: 50)
        _ = withVaList([v]) { args in buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress!, 50, "%.02f", args) } }
        var s = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    @Test func edgeCasesMatchPrintf() {
        let cases: [Double] = [0, -0.0, 1e-9, -1e-9, 1e-8, -1e-8, 0.001, -0.001, 0.004999, 0.005, -0.005, 0.00500001,
                               0.125, 0.375, 0.625, 0.135, 2.675, 1.005, 1.015, 1.025, -2.5, 10, 100, 0.1, 0.01, 0.99, 0.995,
                               -0.995, 9.995, 99.995, 123456.785, 0x1p46 - 1, 0x1p46, -0x1p46, 1e15, -1e15, 1e300, -1e300,
                               .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 36.5, 72.25]
        for x in cases {
            #expect(Graphviz.svgNumber(x) == Self.graphviz(x), "x = \(x)")
        }
        // What printf makes of them: ties to even, binary values below the tie, noise as 0, "-0".
        let expected: [(Double, String)] = [(0.125, "0.12"), (0.375, "0.38"), (2.675, "2.67"), (1.005, "1"), (10, "10"),
                                             (36.5, "36.5"), (-0.001, "-0"), (-1e-9, "0"), (72.25, "72.25"), (-2.5, "-2.5")]
        for (x, text) in expected { #expect(Graphviz.svgNumber(x) == text, "x = \(x)") }
    }

    @Test func randomCoordinatesMatchPrintf() {
        var rng = Seeded(state: 2026)
        var mismatches: [Double] = []
        for k in 0..<200_000 {
            let x: Double
            switch k % 4 {
            case 0: x = Double.random(in: -5000...5000, using: &rng)
            case 1: x = Double(Int.random(in: -2_000_000...2_000_000, using: &rng)) / 1000  // ties at the third decimal
            case 2: x = Double(Int.random(in: -400_000...400_000, using: &rng)) / 8 + 0.005 * Double(Int.random(in: -3...3, using: &rng))
            default: x = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
            }
            if Graphviz.svgNumber(x) != Self.graphviz(x) { mismatches.append(x) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    /// SplitMix64: the same 200,000 numbers every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func installedOnLinux() {
        #if os(Linux) && arch(x86_64)
        if ProcessInfo.processInfo.environment["CHAINRULE_GRAPHVIZ_SVG_NUMBERS"] != "off" {
            #expect(Graphviz.svgNumbersInstalled)
        }
        #endif
    }
}
