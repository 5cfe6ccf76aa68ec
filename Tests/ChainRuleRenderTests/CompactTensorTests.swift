import ChainRule
@testable import ChainRuleRender
import Foundation
import Testing

/// Large vectors and matrices on edge labels: shape, top-left corner with ⋯
/// and ⋮, the range `min … max`, gradients under values.
@Suite struct CompactTensorTests {
    /// X (3, 64) with entries 0, 0.01, …, 1.91; L = sum(X · 2), so ∂L/∂X = 2 everywhere.
    static let source: String = {
        let rows = (0..<3).map { r in "[" + (0..<64).map { c in String(Double(r * 64 + c) / 100) }.joined(separator: ", ") + "]" }
        return "X = [" + rows.joined(separator: ", ") + "]\nY = X * 2\nL = sum(Y)\n"
    }()

    func label(_ dot: String, _ id: String) throws -> String {
        try #require(dot.split(separator: "\n").first { $0.contains("id=\"\(id)\"") }.map(String.init))
    }

    @Test func compactIsTheDefault() throws {
        let figure = try Figure(try Fixtures.script(Self.source))
        #expect(figure.options.tensors == .auto)  // compact until a figure is fitted to a slide
        let dot = figure.dot()
        let x = try label(dot, "edge-0-2-0")  // X → ×
        #expect(x.contains("⋯"))
        #expect(!x.contains("⋮"))  // 3 rows fit in 4
        #expect(x.contains(">0<") && x.contains(">0.01<") && x.contains(">0.02<"))
        #expect(!x.contains(">1.91<"))  // the corner, not the last column
        #expect(x.contains("0 … 1.91"))  // value range
        #expect(x.contains("2 … 2"))  // gradient range
        // The gradient (and its range) sits under the rule, the value's range above it.
        let rule = try #require(x.range(of: "PORT=\"r\""))
        #expect(x.range(of: "0 … 1.91")!.lowerBound < rule.lowerBound)
        #expect(x.range(of: "2 … 2")!.lowerBound > rule.upperBound)
        // The shape is under the leaf's name; results show it beside their value.
        #expect(try label(dot, "node-0").contains("(3, 64)"))
        #expect(try label(dot, "edge-2-3-0").contains("(3, 64)"))
    }

    @Test func matricesGetBothEllipses() throws {
        let source = "W = [" + (0..<10).map { r in "[" + (0..<8).map { c in String(r - c) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]\nL = sum(W)\n"
        let dot = try Figure(try Fixtures.script(source)).dot()
        let w = try label(dot, "edge-0-1-0")
        #expect(w.contains("⋯") && w.contains("⋮") && w.contains("⋱"))
        #expect(w.contains("−7 … 9") || w.contains("-7 … 9"))
    }

    @Test func fullShowsFirstAndLastWithoutRange() throws {
        var options = FigureOptions()
        options.tensors = .full
        let x = try label(try Figure(try Fixtures.script(Self.source), options: options).dot(), "edge-0-2-0")
        #expect(x.contains(">1.91<"))  // the last column
        #expect(!x.contains(" … "))
    }

    @Test func shapeShowsNoEntries() throws {
        var options = FigureOptions()
        options.tensors = .shape
        let x = try label(try Figure(try Fixtures.script(Self.source), options: options).dot(), "edge-0-2-0")
        #expect(x.contains("⋱"))
        #expect(!x.contains(">0.01<"))
        #expect(x.contains("0 … 1.91") && x.contains("2 … 2"))
    }

    @Test func maxEntriesSetsTheCorner() throws {
        var options = FigureOptions()
        options.maxMatrixRows = 2
        options.maxMatrixColumns = 3
        let x = try label(try Figure(try Fixtures.script(Self.source), options: options).dot(), "edge-0-2-0")
        #expect(x.contains(">0.01<") && !x.contains(">0.02<"))  // 2 columns, then ⋯
        #expect(!x.contains(">0.64<"))  // 1 row, then ⋮
        #expect(x.contains("⋮"))
    }

    @Test func smallTensorsAreWhole() throws {
        let dot = try Figure(try Fixtures.affine()).dot()
        #expect(!dot.contains(" … "))
        #expect(!dot.contains("⋯"))
    }

    @Test func worksheetsKeepTheirBoxes() throws {
        var options = FigureOptions()
        options.worksheet = true
        let figure = try Figure(try Fixtures.script(Self.source), options: options)
        let x = try label(figure.dot(), "edge-0-2-0")
        #expect(x.contains("FIXEDSIZE=\"TRUE\""))
        #expect(x.contains("0 … 1.91"))
        #expect(!x.contains("2 … 2"))  // the answer is not given away
        let svg = String(decoding: try FigureLayout(figure).render(), as: UTF8.self)
        #expect(svg.contains("<svg"))
    }

    @Test func hiddenFramesShowAQuestionMarkRange() throws {
        let layout = try FigureLayout(try Figure(try Fixtures.script(Self.source)))
        let x = try label(layout.dot(.forwardOnly), "edge-0-2-0")
        #expect(x.contains("0 … 1.91"))
        #expect(!x.contains("2 … 2"))
    }

    @Test func twoLayerNetReadsOnASlide() throws {
        // The oracle's two-layer network (4 × 3 inputs, 5 hidden units, 3 classes).
        let source = """
            X  = [[0.5, -1.2, 0.3], [1, 0.4, -0.7], [-0.3, 0.8, 1.5], [0.9, -0.1, 0.2]]
            W1 = [[0.2, -0.5, 0.1, 0.4, -0.3], [0.7, 0.1, -0.6, 0.2, 0.5], [-0.4, 0.3, 0.8, -0.1, 0.2]]
            b1 = [0.1, -0.1, 0.05, 0, 0.2]
            W2 = [[0.3, -0.2, 0.5], [-0.6, 0.4, 0.1], [0.2, 0.7, -0.3], [0.5, -0.5, 0.2], [-0.1, 0.3, 0.6]]
            b2 = [0.01, -0.02, 0.03]
            t  = [2, 0, 1, 2]
            A1 = X @ W1 + b1
            Z1 = sigmoid(A1)
            A2 = Z1 @ W2 + b2
            L  = softmax_cross_entropy(A2, t)
            """
        let figure = try Figure(try Fixtures.script(source))
        let svg = String(decoding: try figure.render(format: .svg), as: UTF8.self)
        // 5.8 px with the old full tables, 6.6 px compact; fitted to the slide (closer columns,
        // vectors as columns, heatmaps for the truncated tensors) 9.0 px, its 4 × 3 tables
        // still numbers; the second tightening draws those as heatmaps too: 11.2 px.
        var options = FigureOptions()
        options.fitToSlide = false
        let plain = String(decoding: try Figure(try Fixtures.script(source), options: options).render(format: .svg), as: UTF8.self)
        #expect(Legibility(svg: plain).medianLabelPixels() < 7)
        #expect(Legibility(svg: svg).medianLabelPixels() >= Figure.slideLegibility)
        // X (4 × 3) is a heatmap glyph now, its range under it; b2 (3 entries) stays numbers.
        #expect(svg.contains("−1.2 … 1.5"))
        #expect(svg.contains(">−0.02<"))
        // Lessons and export lay it out through FigureLayout: the same choice.
        let layout = try FigureLayout(figure)
        #expect(layout.figure.options.slideFit?.denseMatrixLimit == SlideFit.denseEntries)
        #expect(layout.slidePixels >= Figure.slideLegibility)
    }

    @Test func anExplicitTensorDisplayIsNotOverruled() throws {
        // `--tensors compact` asks for numbers: no dense heatmaps, whatever the legibility.
        var options = FigureOptions()
        options.tensors = .compact
        let pass = try Fixtures.script("X = [[0.5, -1.2, 0.3], [1, 0.4, -0.7], [-0.3, 0.8, 1.5], [0.9, -0.1, 0.2]]\nW = [[1, 2], [3, 4], [5, 6]]\nY = X @ W\nL = sum(Y * Y)\n")
        let tight = Figure(try Figure(pass, options: options), slideFit: SlideFit(columnVectors: false))
        #expect(tight.denserSlideFit() == nil)
        let auto = Figure(try Figure(pass), slideFit: SlideFit(columnVectors: false))
        #expect(auto.denserSlideFit()?.options.slideFit?.denseMatrixLimit == SlideFit.denseEntries)
    }
}
