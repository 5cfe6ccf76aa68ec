import ChainRule
@testable import ChainRuleRender
import Foundation
import Testing

/// `--tensors heatmap`: a large tensor drawn as a small grid of coloured
/// cells (blue negative, orange positive, the background at zero) with its
/// range, value above the rule and gradient below it.
@Suite struct HeatmapTests {
    /// W (2, 20): row 0 is ten −1s then ten +1s, row 1 zeros; L = sum(W × 3), so ∂L/∂W = 3.
    static let source: String = {
        let first = (0..<20).map { $0 < 10 ? "-1" : "1" }.joined(separator: ", ")
        let second = Array(repeating: "0", count: 20).joined(separator: ", ")
        return "W = [[\(first)], [\(second)]]\nY = W * 3\nL = sum(Y)\n"
    }()

    func figure(_ tensors: TensorDisplay = .heatmap, theme: FigureTheme = .light, worksheet: Bool = false) throws -> Figure {
        var options = FigureOptions(theme: theme, worksheet: worksheet)
        options.tensors = tensors
        return try Figure(try Fixtures.script(Self.source), options: options)
    }

    func label(_ dot: String, _ id: String) throws -> String {
        try #require(dot.split(separator: "\n").first { $0.contains("id=\"\(id)\"") }.map(String.init))
    }

    func count(_ s: String, _ part: String) -> Int { s.components(separatedBy: part).count - 1 }

    @Test func gridsAreSmallAndCoverEveryEntry() {
        let w1 = Heatmap(shape: [64, 50])
        #expect((w1.rows, w1.columns, w1.cell) == (12, 16, 4))
        let x = Heatmap(shape: [3, 64])
        #expect((x.rows, x.columns, x.cell) == (3, 16, 4))
        let v = Heatmap(shape: [5])
        #expect((v.rows, v.columns, v.cell) == (1, 5, 8))
        for (cells, n) in [(16, 50), (12, 64), (16, 20), (3, 3), (16, 17)] {
            let covered = (0..<cells).flatMap { Array(Heatmap.block($0, of: cells, n)) }
            #expect(covered == Array(0..<n), "\(cells) cells over \(n) entries")
        }
    }

    @Test func coloursShowSignAndMagnitude() {
        #expect(Heatmap.colour(-2, scale: 2, theme: .light) == "#0072b2")
        #expect(Heatmap.colour(2, scale: 2, theme: .light) == "#e69f00")
        #expect(Heatmap.colour(0, scale: 2, theme: .light) == "#ffffff")
        #expect(Heatmap.colour(1, scale: 2, theme: .light) == Heatmap.mix("#ffffff", "#e69f00", 0.5))
        #expect(Heatmap.colour(0, scale: 2, theme: .dark) == FigureTheme.dark.background)
        #expect(Heatmap.colour(-2, scale: 2, theme: .print) == "#000000")  // print: magnitude in grey only
        #expect(Heatmap.mix("#000000", "#ffffff", 0.5) == "#808080")
    }

    @Test func valueAndGradientAreGlyphsWithTheirRanges() throws {
        let dot = try figure().dot()
        let w = try label(dot, "edge-0-2-0")  // W → ×
        let rule = try #require(w.range(of: "PORT=\"r\""))
        // 2 rows × 16 columns of cells above the rule and below it.
        #expect(count(String(w[..<rule.lowerBound]), "<TD FIXEDSIZE") == 32)
        #expect(count(String(w[rule.upperBound...]), "<TD FIXEDSIZE") == 32)
        #expect(w.contains("BGCOLOR=\"#0072b2\"") && w.contains("BGCOLOR=\"#e69f00\"") && w.contains("BGCOLOR=\"#ffffff\""))
        #expect(!w.contains("⋯") && !w.contains(">1<"))  // no entries
        #expect(w.range(of: "−1 … 1")!.lowerBound < rule.lowerBound)  // value range above
        #expect(w.range(of: "3 … 3")!.lowerBound > rule.upperBound)  // gradient range below
        #expect(try label(dot, "node-0").contains("(2, 20)"))  // the shape under the name
    }

    @Test func hiddenAndWorksheetGlyphsAreBlankWithTheSameCells() throws {
        let layout = try FigureLayout(try figure())
        let unknown = try label(layout.dot(.unknown), "edge-0-2-0")
        #expect(count(unknown, "<TD FIXEDSIZE") == 64)
        #expect(!unknown.contains("#0072b2") && !unknown.contains("#e69f00"))
        let sheet = try label(try figure(worksheet: true).dot(), "edge-0-2-0")
        let rule = try #require(sheet.range(of: "PORT=\"r\""))
        #expect(String(sheet[..<rule.lowerBound]).contains("#e69f00"))  // the value is shown
        #expect(!String(sheet[rule.upperBound...]).contains("#e69f00"))  // the gradient is not given away
        #expect(!sheet.contains("3 … 3"))
    }

    @Test func deterministicSVGAndPDF() throws {
        let a = try figure().render(format: .svg)
        let b = try figure().render(format: .svg)
        #expect(a == b)
        let svg = String(decoding: a, as: UTF8.self)
        #expect(svg.contains("fill=\"#0072b2\"") && svg.contains("fill=\"#e69f00\""))
        let pdf = try figure().render(format: .pdf)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        #expect(try figure().render(format: .pdf) == pdf)
        // Frames pinned to one layout: nothing moves when the glyphs go blank.
        let layout = try FigureLayout(try figure())
        #expect(try layout.render(.unknown).count > 0)
    }

    @Test func autoIsCompactUnlessTheFigureIsFitted() throws {
        let figure = try figure(.auto)
        #expect(FigureOptions().tensors == .auto)
        #expect(try label(figure.dot(), "edge-0-2-0").contains("⋯"))
        // This small figure reads on a slide as is: not fitted, no heatmap.
        let layout = try FigureLayout(figure)
        #expect(layout.figure.options.slideFit == nil)
        #expect(!(try layout.svg()).contains("#e69f00"))
    }
}
