import ChainRule
import ChainRuleRender
import GraphScript
import Testing

/// The one number format's rules beyond digits: zero up to rounding
/// (`RoundingNoise`), the round-trip form, the tensor format, and the minus
/// sign of numbers written in prose.
@Suite struct RoundingNoiseTests {
    func pass(_ source: String) throws -> (Script, Backward) {
        let script = try ScriptCompiler.compile(source, fileName: "t.graph")
        return (script, try script.graph.forward().backward(from: script.output))
    }

    @Test func valueNoiseOfASumIsZero() throws {
        let (script, pass) = try pass("x = 0.1\ny = 0.2\na = x + y\nb = a - 0.3\n")
        let b = try #require(script.graph.node(named: "b"))
        let value = pass.forward.value(of: b).scalar
        #expect(value != 0 && abs(value) < 1e-16)      // the noise is there…
        let scale = RoundingNoise.valueScale(of: b, in: pass.forward)
        #expect(scale == 0.30000000000000004)           // the larger operand
        #expect(NumberFormat.figure.string(value, zeroBelow: RoundingNoise.threshold(scale: scale)) == "0")  // …and shows as 0
        #expect(NumberFormat.figure.string(value) == "5.551e−17")  // without the rule it would not
    }

    @Test func gradientNoiseOfACancellingBroadcastIsZero() throws {
        let (script, pass) = try pass("z = [0.3, 2.9, 4]\ns = 2.5\nu = z - s\ne = exp(u)\nS = sum(e)\np = e / S\nt = [0, 1, 0]\nL = cross_entropy(p, t)\n")
        let s = try #require(script.graph.node(named: "s"))
        let g = try #require(pass.gradient(of: s)).scalar
        #expect(g != 0 && abs(g) < 1e-15)
        let m = RoundingNoise.gradientScale(of: s, in: pass)
        #expect(m > 0.5)   // the upstream entries (≈ 0.75) times the local −1
        #expect(TensorFormat.text.string(Tensor(g), noiseScale: m) == "0")
        // The other gradients are untouched.
        let z = try #require(script.graph.node(named: "z"))
        #expect(TensorFormat.text.string(pass.gradient(of: z)!, noiseScale: RoundingNoise.gradientScale(of: z, in: pass))
                == "[0.0182113, −0.754808, 0.736597]")
    }

    @Test func genuinelySmallValuesKeepTheirDigits() throws {
        let (script, pass) = try pass("x = 1\nd = 0.0001234\na = x + d\nb = a - x\nc = d * 1e-9\n")
        let b = try #require(script.graph.node(named: "b"))
        let c = try #require(script.graph.node(named: "c"))
        #expect(TensorFormat.text.digits(4).string(pass.forward.value(of: b), noiseScale: RoundingNoise.valueScale(of: b, in: pass.forward)) == "1.234e−4")
        // A product is never noise, however small.
        #expect(RoundingNoise.valueScale(of: c, in: pass.forward) == 0)
        #expect(NumberFormat.figure.string(pass.forward.value(of: c).scalar) == "1.234e−13")
        // The seed and leaves are never snapped.
        #expect(RoundingNoise.gradientScale(of: script.output, in: pass) == 0)
        #expect(RoundingNoise.valueScale(of: try #require(script.graph.node(named: "d")), in: pass.forward) == 0)
    }

    @Test func thresholdIsRelative() {
        #expect(RoundingNoise.relativeTolerance == 1e-12)
        #expect(RoundingNoise.threshold(scale: 2) == 2e-12)
        #expect(RoundingNoise.threshold(scale: .infinity) == 0)
        let f = NumberFormat.figure
        #expect(f.string(1.9e-12, zeroBelow: 2e-12) == "0")
        #expect(f.string(-2.1e-12, zeroBelow: 2e-12) == "−2.1e−12")
        #expect(f.string(.nan, zeroBelow: 1) == "NaN")
    }

    @Test func roundTripKeepsEveryDigitWithTheMinus() {
        let f = NumberFormat.text
        #expect(f.roundTrip(3.297442541400256) == "3.297442541400256")
        #expect(f.roundTrip(-1e-7) == "−1e−7")
        #expect(f.roundTrip(-2.220446049250313e-16) == "−2.220446049250313e−16")
        #expect(f.roundTrip(1.5e20) == "1.5e20")
        #expect(f.roundTrip(2) == "2")
        #expect(f.roundTrip(-.infinity) == "−∞")
        #expect(Double("2.220446049250313e-16") == 2.220446049250313e-16)
    }

    @Test func oneTensorFormat() {
        let t = TensorFormat.text
        #expect(t.string(Tensor(-2.5)) == "−2.5")
        #expect(t.string(Tensor(vector: [1, -2, 3])) == "[1, −2, 3]")
        #expect(t.string(Tensor(rows: [[1, 2], [3, -4]])) == "[[1, 2], [3, −4]]")
        #expect(t.string(Tensor(vector: (1...9).map(Double.init))) == "[1, 2, 3, 4, 5, …, 9] (9,)")
        var noShape = t
        noShape.appendsShape = false
        #expect(noShape.string(Tensor(vector: (1...9).map(Double.init))) == "[1, 2, 3, 4, 5, …, 9]")
        #expect(t.string(Tensor(rows: Array(repeating: [1, 2], count: 5))) == "[[1, 2], [1, 2], [1, 2], …] (5, 2)")
        #expect(t.string(Tensor(vector: [1e-17, 0.5]), zeroBelow: 1e-12) == "[0, 0.5]")
    }

    @Test(arguments: [
        ("x = -3", "x = −3"), ("1e-7", "1e−7"), ("[-1, -2.5]", "[−1, −2.5]"), ("(-0.5)", "(−0.5)"), ("-.5", "−.5"),
        ("a range 1-2", "a range 1-2"), ("well-known", "well-known"), ("--flag", "--flag"), ("x-1", "x-1"), ("e-mail", "e-mail"),
    ])
    func proseMinus(_ text: String, _ expected: String) {
        #expect(NumberFormat.typographicMinus(text) == expected)
    }
}
