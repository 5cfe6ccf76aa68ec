import ChainRule
import ChainRuleRender
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Hardening (issue 8): hostile names and label text are inert in DOT and
/// SVG; NaN and ±inf never break a renderer; renders from many threads give
/// the same bytes as one after another.
@Suite struct RenderHardeningTests {
    /// Names the script language forbids but the engine's API accepts.
    static let hostile = [
        "<script>alert(1)</script>", "a&b&amp;", "q\"uo'te", "x]]>y", "<!--c-->", "{r|e<c>}",
        "\\N\\G\\L", "\u{1B}[31mred", "\u{1B}]0;title\u{07}", "<![CDATA[z]]>",
    ]

    static func hostileGraph() throws -> Backward {
        var g = Graph()
        var sum: NodeID?
        for (i, name) in hostile.enumerated() {
            let leaf = g.leaf(name, Tensor(Double(i + 1)))
            sum = try sum.map { try g.apply(.add, $0, leaf, name: "s\(i)") } ?? leaf
        }
        let out = try g.apply(.mul, sum!, sum!, name: "L</text><script>")
        return try g.forward().backward(from: out)
    }

    /// All text content of an SVG, and its element names.
    static func parse(_ svg: [UInt8]) throws -> (texts: [String], elements: Set<String>) {
        final class Collector: NSObject, XMLParserDelegate {
            var texts: [String] = [], elements: Set<String> = [], current = ""
            func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                elements.insert(name); current = ""
            }
            func parser(_ p: XMLParser, foundCharacters s: String) { current += s }
            func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                if !current.isEmpty { texts.append(current) }; current = ""
            }
        }
        let collector = Collector()
        let parser = XMLParser(data: Data(svg))
        parser.delegate = collector
        try #require(parser.parse(), "SVG is not well-formed: \(String(describing: parser.parserError))")
        return (collector.texts, collector.elements)
    }

    @Test func hostileNamesAreInertInDOTAndSVG() throws {
        let figure = try Figure(try Self.hostileGraph())
        let dot = figure.dot()
        // Graphviz parses it (no name or label broke out of its quotes) and renders every format.
        for format in GraphvizFormat.figureFormats {
            let bytes = try figure.render(format: format)
            #expect(bytes.count > 100, "\(format)")
        }
        #expect(!dot.contains("\u{1B}") && !dot.contains("\u{07}"))
        let svg = try figure.render(format: .svg)
        #expect(!svg.contains(0x1B) && !svg.contains(0x07))
        let (texts, elements) = try Self.parse(svg)
        #expect(!elements.contains("script"))
        let all = texts.joined(separator: "\n")
        // Each name is shown as the literal text (XML-escaped in the file, so
        // it parses back to itself); control characters became spaces.
        for name in ["<script>alert(1)</script>", "a&b&amp;", "q\"uo'te", "x]]>y", "<!--c-->", "{r|e<c>}", "\\N\\G\\L", "<![CDATA[z]]>"] {
            #expect(all.contains(name), "\(name) not shown literally")
        }
        #expect(all.contains(" [31mred"))
        // \N is not expanded to the node's name.
        #expect(!all.contains("s0s0"))
    }

    @Test func hostileEdgeLabelOverridesAreEscaped() throws {
        let pass = try Self.hostileGraph()
        let layout = try FigureLayout(try Figure(pass))
        let edge = try #require(layout.figure.edges.first)
        let frame = FigureFrame(overrides: [edge: EdgeLabelOverride(value: "<b>&", gradient: "]]>\\N")])
        let (texts, elements) = try Self.parse(try layout.render(frame, format: .svg))
        #expect(!elements.contains("b") && !elements.contains("script"))
        let all = texts.joined(separator: "\n")
        #expect(all.contains("<b>&") && all.contains("]]>\\N"))
    }

    /// NaN and ±inf on every edge: every format renders; SVG shows NaN and ∞.
    @Test func nonFiniteFiguresRender() throws {
        var g = Graph()
        let x = g.leaf("x", Tensor(vector: [0, -1, .infinity]))
        let m = g.leaf("M", Tensor(rows: [[.nan, 1], [-.infinity, 2], [3, .infinity]]))
        let l = try g.apply(.log, x, name: "l")
        let y = try g.apply(.matmul, l, m, name: "y")
        let s = try g.apply(.softmax, y, name: "s")
        let out = try g.apply(.sum(axis: nil), s, name: "L")
        let pass = try g.forward().backward(from: out)
        for options in [FigureOptions(), FigureOptions(expandFused: true), FigureOptions(worksheet: true),
                        FigureOptions(theme: .named("print")!), FigureOptions(legend: true)] {
            let figure = try Figure(pass, options: options)
            for format in GraphvizFormat.figureFormats {
                #expect(try figure.render(format: format).count > 100)
            }
            let layout = try FigureLayout(figure)
            for frame in [FigureFrame.complete, .unknown, .forwardOnly] {
                _ = try Self.parse(try layout.render(frame, format: .svg))
            }
        }
        let (texts, _) = try Self.parse(try Figure(pass).render(format: .svg))
        let all = texts.joined(separator: " ")
        #expect(all.contains("NaN") && all.contains("∞"))
    }

    /// The same figures rendered from 8 threads at once and one after
    /// another give the same bytes (Graphviz calls are serialized inside).
    @Test func concurrentRendersMatchSerial() async throws {
        let graphs = [try Fixtures.apples(), try Self.hostileGraph()]
        var jobs: [(Figure, GraphvizFormat, FigureFrame)] = []
        for pass in graphs {
            for options in [FigureOptions(), FigureOptions(theme: .named("dark")!, worksheet: true)] {
                let figure = try Figure(pass, options: options)
                for format in GraphvizFormat.figureFormats {
                    jobs.append((figure, format, .complete))
                }
                jobs.append((figure, .svg, .unknown))
            }
        }
        let serial = try jobs.map { try FigureLayout($0.0).render($0.2, format: $0.1) }
        let parallel = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for round in 0..<3 {
                for (i, job) in jobs.enumerated() {
                    group.addTask {
                        _ = round
                        return (i, try FigureLayout(job.0).render(job.2, format: job.1))
                    }
                }
            }
            var results: [(Int, [UInt8])] = []
            for try await r in group { results.append(r) }
            return results
        }
        #expect(parallel.count == jobs.count * 3)
        for (i, bytes) in parallel {
            #expect(bytes == serial[i], "job \(i) (\(jobs[i].1)) differs from the serial render")
        }
    }

    /// PDF bytes do not depend on the clock (cairo stamps a creation date).
    @Test func pdfIsReproducible() throws {
        let figure = try Figure(try Fixtures.apples())
        let a = try figure.render(format: .pdf)
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.contains("/CreationDate (D:"))
        #expect(!text.contains("/CreationDate (D:\(Calendar(identifier: .gregorian).component(.year, from: Date()))"))
        sleep(1)
        #expect(try figure.render(format: .pdf) == a)
    }
}
