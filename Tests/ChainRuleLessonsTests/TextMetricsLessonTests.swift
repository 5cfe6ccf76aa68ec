import ChainRule
import ChainRuleLessons
@testable import ChainRuleRender
import Foundation
import Testing

/// Figure text is sized from ChainRule's DejaVu Sans table
/// (`GraphvizTextMetrics`), not by pango. Every label of every shipped
/// lesson's figures, as Graphviz draws it, measures within the tolerance of
/// pango's width on this machine, and the figures come out the same.
@Suite struct TextMetricsLessonTests {
    static let ids = LessonLibrary(directory: packageRoot.appendingPathComponent("Lessons").path).entries().map(\.id)

    /// One pixel at 96 dpi (pango's rounding unit) plus 1 % (see GraphvizTextMetricsTests).
    static let tolerancePoints = 0.75
    static let toleranceFraction = 0.01

    @Test(arguments: ids)
    func everyLabelMeasuresAsPangoDoes(_ id: String) throws {
        let lesson = try shippedLesson(id)
        var spans = 0, exact = 0
        for (i, section) in lesson.sections.enumerated() {
            let dot = try Figure(section.backward).dot(.complete)
            let viaPango = String(decoding: try Graphviz.render(dot: dot, format: .svg, pangoTextSizes: true), as: UTF8.self)
            let viaTable = String(decoding: try Graphviz.render(dot: dot, format: .svg), as: UTF8.self)
            for span in SVGTextSpan.all(in: viaPango) {
                let table = GraphvizTextMetrics.width(span.text, size: span.size, bold: span.bold, italic: span.italic)
                let pango = try #require(GraphvizTextMetrics.pangoWidth(span.text, size: span.size, bold: span.bold, italic: span.italic))
                spans += 1
                if table == pango { exact += 1 }
                #expect(abs(table - pango) <= Self.tolerancePoints + Self.toleranceFraction * pango,
                        "\(id) graph \(i + 1): \"\(span.text)\" \(span.size) pt: table \(table), pango \(pango)")
                #expect(GraphvizTextMetrics.isKnown(span.text, bold: span.bold, italic: span.italic), "\(id): \"\(span.text)\"")
            }
            // Where every width is pango's, the figure is pango's byte for byte.
            if exact == spans { #expect(viaTable == viaPango, "\(id) graph \(i + 1)") }
        }
        #expect(spans > 0)
    }
}

/// A `<text>` element of Graphviz's SVG: its text and font.
struct SVGTextSpan {
    var text: String
    var size: Double
    var bold: Bool
    var italic: Bool

    static func all(in svg: String) -> [SVGTextSpan] {
        svg.components(separatedBy: "<text ").dropFirst().compactMap { part in
            guard let close = part.range(of: ">"), let end = part.range(of: "</text>") else { return nil }
            let tag = String(part[..<close.lowerBound])
            let size = attribute("font-size", in: tag).flatMap(Double.init) ?? 14
            return SVGTextSpan(text: unescape(String(part[close.upperBound..<end.lowerBound])), size: size,
                               bold: attribute("font-weight", in: tag) == "bold",
                               italic: attribute("font-style", in: tag) == "italic")
        }
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Graphviz's XML escapes: named entities and `&#N;`.
    static func unescape(_ s: String) -> String {
        var out = "", rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                out += number.flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? "&\(entity);"
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
