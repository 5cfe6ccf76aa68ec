import ChainRuleLessons
import ChainRuleRender
import Foundation
import Testing
@testable import ChainRuleExport

/// `ExportSVG.inline` and `ExportSVG.file` work on bytes; they give the same
/// text as the `String` implementation they replaced (kept below as the reference).
@Suite struct ExportSVGEquivalenceTests {
    /// Every figure of two shipped lessons (frames and finished passes) and hand-made edge cases.
    static func samples() throws -> [[UInt8]] {
        var svgs: [[UInt8]] = []
        for id in ["apples", "affine"] {
            let lesson = try shippedLesson(id)
            for section in lesson.sections {
                let layout = try FigureLayout(try Figure(section.backward))
                for step in lesson.steps where step.section == nil || lesson.sections.count == 1 {
                    svgs.append(try layout.render(FrameWriter.frame(for: step, figure: layout.figure)))
                }
                svgs.append(try layout.render(.unknown))
                svgs.append(try layout.render(.complete))
            }
        }
        let edge = [
            "", "<svg>", "no element at all", "<svg width=\"3pt\"", "<!-- open comment <svg width=\"1pt\"></svg>",
            "<?xml version=\"1.0\"?><svg width='12pt' height='4pt'><a href=\"#x\" id=\"y\"/>url(#z)</svg></svg>tail",
            "<!DOCTYPE svg><!-- a --><!-- b -- c --><svg viewBox=\"0 0 1 1\" width=\"é1.5pt\"><g id=\"a\"></g></svg>",
            "<!DOCTYPE unclosed <svg width=\"2pt\"><text>∂L/∂x · ü</text></svg>",
            "<?xml ?><svg>x</svg>", "<?xml no end", "<svg width=\"0pt\" height=\"0pt\"> id=\" id=\"</svg>",
        ]
        return svgs + edge.map { Array($0.utf8) }
    }

    @Test func inlineAndFileEqualTheStringImplementation() throws {
        for (k, svg) in try Self.samples().enumerated() {
            for (prefix, label) in [("s1-", "A <label> & \"quotes\""), ("apples-thumb-", "")] {
                #expect(ExportSVG.inline(svg, idPrefix: prefix, label: label)
                        == Reference.inline(svg, idPrefix: prefix, label: label), "sample \(k)")
            }
            #expect(ExportSVG.file(svg) == Reference.file(svg), "sample \(k)")
        }
    }

    /// The implementation before the byte version (commit 3a3ea9c), unchanged.
    enum Reference {
        static func file(_ svg: [UInt8]) -> [UInt8] {
            var text = String(decoding: svg, as: UTF8.self)
            if text.hasPrefix("<?xml"), let end = text.range(of: "?>") {
                text.insert(contentsOf: "\n" + ExportSVG.marker, at: end.upperBound)
            } else {
                text = ExportSVG.marker + "\n" + text
            }
            return Array(text.utf8)
        }

        static func inline(_ svg: [UInt8], idPrefix: String, label: String) -> String {
            var text = String(decoding: svg, as: UTF8.self)
            text = removingComments(text)
            guard let start = text.range(of: "<svg") else { return "" }
            text = String(text[start.lowerBound...])
            if let end = text.range(of: "</svg>", options: .backwards) {
                text = String(text[..<end.upperBound])
            }
            if let close = text.firstIndex(of: ">") {
                var head = String(text[text.startIndex..<close])
                let points = Double(ExportSVG.attribute("width", in: head).filter { $0.isNumber || $0 == "." }) ?? 0
                let cap = points > 0 ? " style=\"max-width: \(Int((points * 4 / 3 * 1.8).rounded()))px\"" : ""
                head = ExportSVG.removingAttribute("width", from: head)
                head = ExportSVG.removingAttribute("height", from: head)
                head += " class=\"figure-svg\" role=\"img\" aria-label=\"\(ExportHTML.escape(label))\" preserveAspectRatio=\"xMidYMid meet\"" + cap
                text = head + text[close...]
            }
            text = replacingAll(text, " id=\"", with: " id=\"\(idPrefix)")
            text = replacingAll(text, "url(#", with: "url(#\(idPrefix)")
            text = replacingAll(text, "href=\"#", with: "href=\"#\(idPrefix)")
            return text
        }

        static func removingComments(_ text: String) -> String {
            var out = ""
            var rest = Substring(text)
            while let open = rest.range(of: "<!--") {
                out += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].range(of: "-->") else { rest = ""; break }
                rest = rest[close.upperBound...]
            }
            out += rest
            if let d = out.range(of: "<!DOCTYPE"), let e = out[d.upperBound...].firstIndex(of: ">") {
                out.removeSubrange(d.lowerBound...e)
            }
            return out
        }

        static func replacingAll(_ text: String, _ target: String, with replacement: String) -> String {
            var out = ""
            var rest = Substring(text)
            while let r = rest.range(of: target) {
                out += rest[..<r.lowerBound]
                out += replacement
                rest = rest[r.upperBound...]
            }
            out += rest
            return out
        }
    }
}
