import ChainRule
@testable import ChainRuleRender
import Testing

/// The first SVG frame of a layout is made from the `dot` layout pass's own
/// render, pinned in memory (`chainrule_pin_layout`, `FrameCache.LayoutPass`),
/// with texts swapped for the frame asked for: it must be the bytes Graphviz
/// renders for the pinned DOT through `nop2`.
@Suite struct FirstFrameTests {
    static let firstFrames: [(String, @Sendable (Figure) -> FigureFrame)] = [
        ("complete", { _ in .complete }), ("unknown", { _ in .unknown }), ("forward only", { _ in .forwardOnly }),
        ("one value", { f in FigureFrame(values: [f.graph.nodes[0].id], gradients: []) }),
        ("all highlighted", { f in FigureFrame(highlightedNodes: Set(f.graph.nodes.map(\.id)), highlightedEdges: Set(f.edges)) }),
    ]

    @Test func firstFrameIsGraphvizBytes() throws {
        for (name, pass) in try FrameCacheTests.backwards() {
            for options in [FigureOptions(), FigureOptions(theme: .print, worksheet: true),
                            FigureOptions(theme: .dark, expandFused: true, legend: true)] {
                for (frameName, first) in Self.firstFrames {
                    let layout = try FigureLayout(try Figure(pass, options: options))
                    let frame = first(layout.figure)
                    #expect(try layout.render(frame) == layout.renderWithGraphviz(frame), "\(name), \(options.theme.name), \(frameName)")
                    // The frames after it come from the cache, and are Graphviz's bytes too.
                    for next in [FigureFrame.unknown, .complete] {
                        #expect(try layout.render(next) == layout.renderWithGraphviz(next), "\(name), \(options.theme.name), after \(frameName)")
                    }
                }
            }
        }
    }

    @Test func unhighlightedFirstFramesComeFromTheLayoutPass() throws {
        for (name, pass) in try FrameCacheTests.backwards() {
            for frame in [FigureFrame.complete, .unknown, .forwardOnly] {
                let layout = try FigureLayout(try Figure(pass))
                _ = try layout.render(frame)
                #expect(layout.frameCache.counts.fromLayoutPass, "\(name), \(frame)")
            }
            // A legend is drawn by Graphviz every time; a highlight is rendered, not swapped.
            let legend = try FigureLayout(try Figure(pass, options: FigureOptions(legend: true)))
            _ = try legend.render(.unknown)
            #expect(!legend.frameCache.counts.fromLayoutPass, "\(name)")
        }
    }

    /// In memory, pinning refuses what it does not do as `nop2` would (clusters): the caller renders.
    @Test func clustersAreRefused() throws {
        let dot = "digraph { subgraph cluster_a { a; b } a -> b }"
        let (layout, svg) = try Graphviz.layoutAndPinnedSVG(dot: dot)
        #expect(svg == nil)
        #expect(!layout.nodes.isEmpty)
    }

    /// Statements compare without their geometry: the layout pass's unpinned DOT against a pinned frame's.
    @Test func statementsIgnoreGeometry() {
        let pinned = FrameLabelSwap.Statement(Array("  \"x\" [class=\"leaf\", height=\"0.5\", id=\"x\", pos=\"27,18\", shape=\"box\", width=\"0.75\"];".utf8))
        let unpinned = FrameLabelSwap.Statement(Array("  \"x\" [class=\"leaf\", id=\"x\", shape=\"box\", width=\"0.42\"];".utf8))
        let first = FrameLabelSwap.Statement(Array("  \"x\" [height=\"0.2\", id=\"x\", penwidth=\"2\"];".utf8))
        #expect(pinned?.rest == unpinned?.rest)
        #expect(first.map { String(decoding: $0.rest, as: UTF8.self) } == "  \"x\" [id=\"x\", penwidth=\"2\"];")
    }
}
