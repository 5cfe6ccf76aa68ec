import ChainRule
@testable import ChainRuleRender
import Testing
import Foundation

/// SVG frames assembled by `FrameCache` are the bytes Graphviz renders for the whole frame.
@Suite struct FrameCacheTests {
    /// A lesson's frames: nothing, values node by node, gradients edge by edge
    /// (highlighted node and edges), overrides, the finished pass — twice, so
    /// the second round comes from the cache.
    static func frames(_ figure: Figure) -> [FigureFrame] {
        let graph = figure.graph
        let ops = graph.nodes.filter { $0.operation != nil }.map(\.id)
        let leaves = graph.nodes.filter { $0.operation == nil }.map(\.id)
        var frames: [FigureFrame] = [.unknown, .forwardOnly]
        var known = Set(leaves)
        for op in ops {
            known.insert(op)
            frames.append(FigureFrame(values: known, gradients: [], highlightedNodes: [op]))
        }
        var grads = Set<FigureEdge>()
        for op in ops.reversed() {
            let edges = figure.edges.filter { $0.to == op || $0.from == op }
            grads.formUnion(edges)
            frames.append(FigureFrame(values: nil, gradients: grads, highlightedNodes: [op],
                                      highlightedEdges: Set(edges)))
        }
        if let e = figure.edges.first {
            frames.append(FigureFrame(overrides: [e: EdgeLabelOverride(value: "a <&> \"b\"", gradient: "∂x")]))
            frames.append(FigureFrame(gradients: [], overrides: [e: EdgeLabelOverride(gradient: "?")]))
        }
        frames.append(.complete)
        frames.append(FigureFrame(highlightedNodes: Set(graph.nodes.map(\.id)), highlightedEdges: Set(figure.edges)))
        return frames + frames.reversed()
    }

    static func backwards() throws -> [(String, Backward)] {
        [("apples", try Fixtures.apples()), ("fan-out", try Fixtures.fanOut().0), ("affine", try Fixtures.affine()),
         ("sigmoid", try Fixtures.sigmoid()), ("big matrix", try Fixtures.bigMatrix())]
    }

    @Test func cachedFramesAreGraphvizBytes() throws {
        for (name, pass) in try Self.backwards() {
            for options in [FigureOptions(), FigureOptions(theme: .print, worksheet: true),
                            FigureOptions(theme: .dark, expandFused: true, legend: true)] {
                let layout = try FigureLayout(try Figure(pass, options: options))
                for (k, frame) in Self.frames(layout.figure).enumerated() {
                    let cached = try layout.render(frame)
                    let reference = try layout.renderWithGraphviz(frame)
                    if cached != reference, ProcessInfo.processInfo.environment["FRAMECACHE_DUMP"] != nil {
                        try? Data(cached).write(to: URL(fileURLWithPath: "/tmp/fc-cached.svg"))
                        try? Data(reference).write(to: URL(fileURLWithPath: "/tmp/fc-ref.svg"))
                    }
                    #expect(cached == reference, "\(name), \(options.theme.name), frame \(k)")
                }
                // Figures with a legend are rendered by Graphviz every time (see FrameCache).
                #expect(layout.frameCache.status.usable == !options.legend, "\(name): frames not cached")
            }
        }
    }

    /// A partial frame written from its objects' owners is the DOT written by walking every node.
    @Test func partialDOTFromOwnersIsTheSame() throws {
        for (name, pass) in try Self.backwards() {
            let layout = try FigureLayout(try Figure(pass))
            let figure = layout.figure
            let whole = figure.partialDOT(.unknown, pinnedTo: layout.geometry, include: nil)
            #expect(!whole.owners.isEmpty, "\(name)")
            let ids = whole.owners.keys.sorted()
            for (k, frame) in Self.frames(figure).enumerated() where k % 3 == 0 {
                // Objects with both ends of every edge among them, as `FrameCache.fill` asks for.
                var include = Set(ids.enumerated().filter { ($0.offset + k) % 4 == 0 }.map(\.element))
                for id in include { if let (tail, head) = whole.edgeEnds[id] { include.insert(tail); include.insert(head) } }
                let walked = figure.partialDOT(frame, pinnedTo: layout.geometry, include: include)
                let owned = figure.partialDOT(frame, pinnedTo: layout.geometry, include: include, owners: whole.owners)
                #expect(owned.dot == walked.dot, "\(name), frame \(k)")
            }
        }
    }

    @Test func splitReassemblesTheSVG() throws {
        let layout = try FigureLayout(try Figure(try Fixtures.affine()))
        let svg = try layout.renderWithGraphviz(.complete)
        let parts = try #require(FrameCache.split(svg))
        #expect(Array(parts.header) + parts.fragments.flatMap { Array($0.1) } + Array(parts.footer) == svg)
        #expect(parts.fragments.contains { $0.0 == "node-0" })
    }
}

extension FigureLayout {
    /// Renders a frame through Graphviz, bypassing the frame cache: the
    /// reference the cached frames are compared with.
    func renderWithGraphviz(_ frame: FigureFrame = .complete, format: GraphvizFormat = .svg) throws(GraphvizError) -> [UInt8] {
        try Graphviz.render(dot: dot(frame, for: format), engine: .nop2, format: format)
    }
}
