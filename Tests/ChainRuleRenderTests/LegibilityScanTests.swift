import ChainRule
@testable import ChainRuleRender
import Foundation
import Testing

/// `Legibility` reads SVG and DOT by scanning UTF-8 bytes; these tests hold it
/// to the `String`-based reading it replaced (kept here as the reference).
@Suite struct LegibilityScanTests {
    /// The reading `Legibility(svg:)` had before (Foundation `range(of:)`, quadratic on big figures).
    static func reference(svg: String) -> (width: Double, height: Double, sizes: [Double]) {
        func attribute(_ name: String, in tag: Substring) -> Double? {
            guard let r = tag.range(of: " \(name)=\"") else { return nil }
            let digits = tag[r.upperBound...].prefix { $0 != "\"" }
            return Double(digits.filter { $0.isNumber || $0 == "." || $0 == "-" })
        }
        let svgTag = svg.range(of: "<svg").map { svg[$0.lowerBound...].prefix { $0 != ">" } } ?? ""
        var sizes: [Double] = []
        var rest = Substring(svg)
        while let r = rest.range(of: "<text") {
            let tag = rest[r.lowerBound...].prefix { $0 != ">" }
            if let size = attribute("font-size", in: tag) { sizes.append(size) }
            rest = rest[r.upperBound...]
        }
        return (attribute("width", in: svgTag) ?? 0, attribute("height", in: svgTag) ?? 0, sizes)
    }

    /// The reading of `POINT-SIZE` in DOT text it had before.
    static func reference(dot: String) -> [Double] {
        var sizes: [Double] = []
        var rest = Substring(dot)
        while let r = rest.range(of: "POINT-SIZE=\"") {
            let digits = rest[r.upperBound...].prefix { $0 != "\"" }
            if let size = Double(digits) { sizes.append(size) }
            rest = rest[r.upperBound...]
        }
        return sizes
    }

    func expectSame(svg: String) {
        let scanned = Legibility(svg: svg)
        let old = Self.reference(svg: svg)
        #expect(scanned.width == old.width)
        #expect(scanned.height == old.height)
        #expect(scanned.fontSizes == old.sizes)
    }

    @Test func renderedFiguresReadTheSame() throws {
        let (fanOut, _) = try Fixtures.fanOut()
        for backward in [try Fixtures.apples(), fanOut] {
            for options in [FigureOptions(), FigureOptions(theme: .dark)] {
                let figure = try Figure(backward, options: options)
                let svg = String(decoding: try figure.render(format: .svg), as: UTF8.self)
                expectSame(svg: svg)
                #expect(!Legibility(svg: svg).fontSizes.isEmpty)
                let dot = figure.dot()
                let layout = try Graphviz.layout(dot: dot)
                #expect(Legibility(dot: dot, layout: layout).fontSizes == Self.reference(dot: dot))
                #expect(!Self.reference(dot: dot).isEmpty)
            }
        }
    }

    @Test func edgeCasesReadTheSame() {
        for svg in [
            "",
            "<svg>",
            "<svg width=\"62pt\" height=\"-1.5pt\"",
            "<svg width=\"62pt\" height=\"44pt\" viewBox=\"0 0 62 44\"><text font-size=\"14.00\">∂L/∂x</text><text x=\"1\">a</text>",
            "<?xml?>\n<svg height=\"9pt\"\n width=\"7pt\">\n<g><text text-anchor=\"middle\" font-size=\"8\">é</text><textPath font-size=\"3\"/><text font-size=\"",
            "<text font-size=\"12\"><svg width=\"1\">",
            "∂∂∂<svg width=\"1e3pt\" height=\"2x3\"><text font-size=\"1.2.3\"/><text font-size=\"\"/>",
        ] {
            expectSame(svg: svg)
        }
        let layout = GraphvizLayout(boundingBox: "0,0,10,10", nodes: [:], edges: [:])
        for dot in ["", "POINT-SIZE=\"", "<FONT POINT-SIZE=\"14\">∂</FONT><FONT POINT-SIZE=\"x\"> POINT-SIZE=\"9.5\""] {
            #expect(Legibility(dot: dot, layout: layout).fontSizes == Self.reference(dot: dot))
        }
    }
}
