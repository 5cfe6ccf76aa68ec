import ChainRule
import ChainRuleRender
import Foundation
import Testing

/// ChainRule's built-in text layout (Sources/CGraphvizGuard/textlayout.c)
/// sizes figure text from a DejaVu Sans table instead of pango. These tests
/// hold the table to Graphviz's own pango plugin on this machine.
@Suite struct GraphvizTextMetricsTests {
    /// How far the table's width of one line may be from pango's: one 96-dpi
    /// pixel (0.75 pt: pango rounds every glyph to whole pixels, and a knife-edge
    /// rounding or a three-letter ligature such as "ffi" moves one) plus 1 %.
    static let tolerancePoints = 0.75
    static let toleranceFraction = 0.01

    static func withinTolerance(_ table: Double, _ pango: Double) -> Bool {
        abs(table - pango) <= tolerancePoints + toleranceFraction * pango
    }

    /// Every kind of text ChainRule writes in a figure: numbers, names with
    /// sub- and superscripts, operators, ellipses, Greek, rules.
    static let labels = [
        "0.8814", "−0.25", "-1.5e-3", "1.1", "220", "apple", "total", "price × tax", "∂L/∂x", "∂total/∂price",
        "x₁", "w₁₂", "xᵢ", "Wᵀ", "xⱼ", "x²", "10⁻⁴", "σ(z)", "tanh", "ReLU", "exp", "log", "Σ", "δ", "ε", "π",
        "⋯", "⋮", "⋱", "≈ 0", "≤", "√", "∞", "⊙", "∘", "·", "⋅", "±", "÷", "½", "…", "—", "–", "→", "←", "‖g‖",
        "grad 2.2", "value", "local ∂ = 1.1", "a * b", "mean(x, axis: 1)", "softmax", "?", "= 0.0000",
        "Worksheet · apples", "Answer key · apples", "Name __________________     Date ________", "neuron 1.2", "▶",
    ]

    @Test(arguments: [9.0, 10.0, 10.5, 12.0, 13.0, 15.0, 16.0, 7.2, 11.34])
    func labelsMeasureAsPangoDoes(size: Double) throws {
        for text in Self.labels {
            for (bold, italic) in [(false, false), (true, false), (false, true), (true, true)] {
                let table = GraphvizTextMetrics.width(text, size: size, bold: bold, italic: italic)
                let pango = try #require(GraphvizTextMetrics.pangoWidth(text, size: size, bold: bold, italic: italic))
                #expect(Self.withinTolerance(table, pango),
                        "\"\(text)\" \(size) pt bold \(bold) italic \(italic): table \(table), pango \(pango)")
                #expect(GraphvizTextMetrics.isKnown(text, bold: bold, italic: italic), "\"\(text)\" has characters the table lacks")
            }
        }
    }

    /// Random printable ASCII at random sizes (seeded): nearly always the same
    /// pixel count as pango, never outside the tolerance.
    @Test func randomTextMostlyExact() throws {
        var rng = SplitMix64(seed: 15)
        var exact = 0
        let count = 600
        for _ in 0..<count {
            let length = Int.random(in: 1...24, using: &rng)
            let text = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng))) })
            let size = Double(Int.random(in: 600...2400, using: &rng)) / 100
            let bold = Bool.random(using: &rng), italic = Bool.random(using: &rng)
            let table = GraphvizTextMetrics.width(text, size: size, bold: bold, italic: italic)
            let pango = try #require(GraphvizTextMetrics.pangoWidth(text, size: size, bold: bold, italic: italic))
            if table == pango { exact += 1 }
            #expect(Self.withinTolerance(table, pango), "\"\(text)\" \(size) pt: table \(table), pango \(pango)")
        }
        #expect(exact * 100 >= count * 98, "\(exact) of \(count) exact")
    }

    /// What Graphviz does with the width: the span's size.x is the width plus
    /// one, cut to a whole point; the line height is 1.1 × size.
    @Test func labelWidthIsGraphvizRounding() {
        let w = GraphvizTextMetrics.width("0.8814", size: 13)
        #expect(w > 40 && w < 50)
        #expect(GraphvizTextMetrics.labelWidth("0.8814", size: 13) == (w + 1).rounded(.down))
        #expect(GraphvizTextMetrics.lineHeight(size: 13) == 14)
        #expect(GraphvizTextMetrics.width("", size: 13) == 0)
        // Kerning: "AV" is narrower than "A" and "V" apart, as in pango.
        let pair = GraphvizTextMetrics.width("AV", size: 100)
        #expect(pair < GraphvizTextMetrics.width("A", size: 100) + GraphvizTextMetrics.width("V", size: 100))
    }

    /// Characters outside the table get a documented width, the same on every machine.
    @Test func fallbackWidths() {
        let m = GraphvizTextMetrics.width("M", size: 12)
        #expect(!GraphvizTextMetrics.isKnown("漢"))
        #expect(GraphvizTextMetrics.width("漢", size: 12) == 16 * 0.75)  // 1 em: 16 px at 12 pt, 96 dpi
        #expect(GraphvizTextMetrics.width("\u{1F600}", size: 12) == 16 * 0.75)
        #expect(GraphvizTextMetrics.width("\u{0E01}", size: 12) == m)  // Thai: as wide as "M"
        #expect(GraphvizTextMetrics.width("e\u{0301}", size: 12) == GraphvizTextMetrics.width("e", size: 12))
        #expect(GraphvizTextMetrics.width("a\u{FF}\u{FE}b", size: 12) > 0)  // not UTF-8 from Swift, but never a crash
    }

    /// SVG is laid out and rendered without pango; PDF draws pango's text in
    /// boxes sized by the table, so both formats have the same geometry.
    @Test func svgUsesTheTableAndPDFTheSameSizes() throws {
        let dot = "digraph probe { rankdir=LR; node [fontname=\"DejaVu Sans,sans-serif\", shape=box];"
            + " a [label=<<B>∂L/∂x</B> = 0.8814>]; b [label=\"price × tax\"]; a -> b [label=\"1.1\"] }"
        let before = GraphvizTextMetrics.spans
        let svg = String(decoding: try Graphviz.render(dot: dot, format: .svg), as: UTF8.self)
        let afterSVG = GraphvizTextMetrics.spans
        #expect(afterSVG.table > before.table)
        let viaPango = String(decoding: try Graphviz.render(dot: dot, format: .svg, pangoTextSizes: true), as: UTF8.self)
        #expect(svg == viaPango, "the table sizes these labels exactly as pango does")
        let plainTable = String(decoding: try Graphviz.render(dot: dot, format: .plain), as: UTF8.self)
        let pdf = try Graphviz.render(dot: dot, format: .pdf)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        #expect(GraphvizTextMetrics.spans.pango > afterSVG.pango)
        // The geometry of a PDF layout is the table's: lay out "as for cairo" and compare plain output.
        #expect(plainTable.contains("node a"))
    }
}
