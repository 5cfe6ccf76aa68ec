import ChainRule
import ChainRuleExport
import ChainRuleLessons
@testable import ChainRuleRender
import Foundation
import GraphScript
import Testing

/// Frames whose objects changed only in their texts are made by editing cached
/// SVG fragments (`FrameLabelSwap`); each such frame must be the bytes
/// Graphviz renders for the whole frame. `FrameCache.swapCheck` renders the
/// whole frame through Graphviz after every frame that used a swapped
/// fragment and keeps the ones that differ.
@Suite(.serialized) struct FrameSwapTests {
    @Test("every shipped lesson's frames with swapped texts are Graphviz's bytes")
    func shippedLessons() throws {
        let library = LessonLibrary(directory: exportPackageRoot.appendingPathComponent("Lessons").path)
        let lessons = try library.entries().map { try Lesson.load(path: $0.path) }
        #expect(lessons.count >= 16)
        let folder = exportTemporaryFolder("frame-swap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try Self.checked {
            _ = try LessonExporter(options: ExportOptions(directory: folder, progress: false)).export(lessons)
        }
        #expect(results.checked > 100, "frames made with swapped text: \(results.checked)")
        #expect(results.mismatches.isEmpty, "\(results.mismatches.prefix(5))")
    }

    @Test("micrograd's MLP(2, [4, 4, 1]) frames with swapped texts are Graphviz's bytes")
    func mlpFrames() throws {
        let script = try ScriptCompiler.compile(Array(Self.mlp.utf8), fileName: "mlp.graph")
        var options = FigureOptions()
        options.fitToSlide = false
        for options in [options, FigureOptions(theme: .print)] {
            let layout = try FigureLayout(try Figure(try script.evaluate(), options: options))
            let frames = FrameCacheTestFrames.steps(layout.figure)
            let results = try Self.checked { for frame in frames { _ = try layout.render(frame) } }
            #expect(results.checked > frames.count / 2, "frames made with swapped text: \(results.checked)")
            #expect(results.mismatches.isEmpty, "\(results.mismatches.prefix(5))")
            #expect(layout.frameCache.counts.swapped > layout.frameCache.counts.rendered)
            if layout.figure.options.slideFit == nil { #expect(layout.frameCache.counts.fromLayoutPass, "first frame made from the layout pass") }
        }
    }

    @Test("labels: only texts may differ; line breaks, escapes and other attributes are refused")
    func swapRefusals() {
        func swap(_ fragment: [UInt8], old: String, new: String) -> [UInt8]? {
            FrameLabelSwap.swap(fragment, old: Array(old.utf8), new: Array(new.utf8))
        }
        let fragment = Array("<g id=\"a_x\"><a xlink:title=\"x = ?\">\n<text text-anchor=\"start\" x=\"10.5\" y=\"-2\" font-size=\"13.00\">?</text>\n</a>\n</g>\n".utf8)
        let old = "  \"x\" [id=\"x\", label=<<TABLE><TR><TD CELLPADDING=\"2\" WIDTH=\"40\"><FONT COLOR=\"#000\" POINT-SIZE=\"13\">?</FONT></TD></TR></TABLE>>, tooltip=\"x = ?\"];"
        let new = old.replacingOccurrences(of: ">?<", with: ">100<").replacingOccurrences(of: "x = ?", with: "x = 100")
        let swapped = swap(fragment, old: old, new: new)
        // Centred in its cell: x moves left by half the difference of the span widths (7 and 25 points).
        #expect(GraphvizTextMetrics.labelWidth("?", size: 13) == 7 && GraphvizTextMetrics.labelWidth("100", size: 13) == 25)
        #expect(swapped.map { String(decoding: $0, as: UTF8.self) }
                == "<g id=\"a_x\"><a xlink:title=\"x = 100\">\n<text text-anchor=\"start\" x=\"1.5\" y=\"-2\" font-size=\"13.00\">100</text>\n</a>\n</g>\n")
        // Right-aligned: by the whole difference.
        let right = swap(fragment, old: old.replacingOccurrences(of: "<TD ", with: "<TD ALIGN=\"RIGHT\" "),
                                        new: new.replacingOccurrences(of: "<TD ", with: "<TD ALIGN=\"RIGHT\" "))
        #expect(right.map { String(decoding: $0, as: UTF8.self).contains("x=\"-7.5\"") } == true)
        #expect(swap(fragment, old: old, new: new.replacingOccurrences(of: "WIDTH=\"40\"", with: "WIDTH=\"41\"")) == nil)
        #expect(swap(fragment, old: old, new: new.replacingOccurrences(of: ">100<", with: ">1<BR/>0<")) == nil)
        #expect(swap(fragment, old: old, new: new.replacingOccurrences(of: ">100<", with: ">a &amp; b<")) == nil)
        #expect(swap(fragment, old: old, new: new.replacingOccurrences(of: "id=\"x\"", with: "id=\"y\"")) == nil)
        #expect(FrameLabelSwap.xmlEscaped("a-b  c") == "a&#45;b &#160;c")
        #expect(FrameLabelSwap.number(2.0) == "2" && FrameLabelSwap.number(-0.004) == "0" && FrameLabelSwap.number(10.25) == "10.25")
    }

    static func checked(_ body: () throws -> Void) throws -> (checked: Int, mismatches: [String]) {
        FrameCache.swapCheck.reset()
        FrameCache.swapCheck.enabled = true
        defer { FrameCache.swapCheck.enabled = false }
        try body()
        return FrameCache.swapCheck.results
    }

    /// micrograd's MLP(2, [4, 4, 1]) on one sample with loss (s − 1)², one operation per statement.
    static let mlp: String = {
        var lines = ["x0 = 2", "x1 = -1"]
        var h = ["x0", "x1"]
        var seed: UInt64 = 7
        func weight() -> String {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return String(format: "%.4f", Double(seed >> 11) / Double(1 << 53) * 2 - 1)
        }
        for (l, size) in [4, 4, 1].enumerated() {
            var next: [String] = []
            for j in 0..<size {
                let p = "l\(l)n\(j)"
                var act = "\(p)b"
                lines.append("\(p)b = 0")
                for (i, x) in h.enumerated() {
                    lines += ["\(p)w\(i) = \(weight())", "\(p)m\(i) = \(p)w\(i) * \(x)", "\(p)s\(i) = \(act) + \(p)m\(i)"]
                    act = "\(p)s\(i)"
                }
                if l < 2 { lines.append("\(p)out = relu(\(act))"); next.append("\(p)out") } else { next.append(act) }
            }
            h = next
        }
        return (lines + ["y = 1", "d = \(h[0]) - y", "loss = d ^ 2"]).joined(separator: "\n") + "\n"
    }()
}

/// A lesson's frames, as `chainrule-bench`'s frame rows make them: values node by node, then gradients.
enum FrameCacheTestFrames {
    static func steps(_ figure: Figure) -> [FigureFrame] {
        let graph = figure.graph
        let ops = graph.nodes.filter { $0.operation != nil }.map(\.id)
        var frames: [FigureFrame] = [.unknown]
        var known = Set(graph.nodes.filter { $0.operation == nil }.map(\.id))
        for op in ops {
            known.insert(op)
            frames.append(FigureFrame(values: known, gradients: [], highlightedNodes: [op]))
        }
        var grads = Set<FigureEdge>()
        for op in ops.reversed() {
            let edges = figure.edges.filter { $0.to == op || $0.from == op }
            grads.formUnion(edges)
            frames.append(FigureFrame(values: nil, gradients: grads, highlightedNodes: [op], highlightedEdges: Set(edges)))
        }
        return frames + [.complete]
    }
}
