import ChainRuleRender
import Testing

@Suite struct NumberFormatTests {
    let f = NumberFormat.figure

    @Test(arguments: [
        (220.0, "220"), (1.1, "1.1"), (2.2, "2.2"), (110, "110"), (200, "200"), (1, "1"), (0, "0"), (-0.0, "0"),
        (0.5, "0.5"), (-3, "−3"), (0.0001234, "1.234e−4"), (0.001234, "0.001234"), (3.297442541400256, "3.297"),
        (123456, "1.235e5"), (12346, "12350"), (99999, "1e5"), (9.99996, "10"), (0.1 + 0.2, "0.3"), (1e-7, "1e−7"),
        (Double.nan, "NaN"), (Double.infinity, "∞"), (-Double.infinity, "−∞"), (-0.25, "−0.25"),
    ])
    func formats(_ x: Double, _ expected: String) {
        #expect(f.string(x) == expected)
    }

    @Test func plainMinusAndFewerDigits() {
        let plain = NumberFormat(significantDigits: 3, minus: "-")
        #expect(plain.string(-1.23456) == "-1.23")
        #expect(plain.string(-0.00001) == "-1e-5")
    }
}
