import ChainRule
@testable import ChainRuleRender
import Testing

/// `Graphviz.layout` reads the geometry straight from the laid-out graph:
/// the same strings as printing it as DOT and parsing that back.
@Suite struct LayoutReadBackTests {
    @Test func sameGeometryAsTheDOTRoundTrip() throws {
        let passes = [try Fixtures.apples(), try Fixtures.fanOut().0, try Fixtures.affine(), try Fixtures.sigmoid(),
                      try Fixtures.bigMatrix()]
        for pass in passes {
            for options in [FigureOptions(), FigureOptions(legend: true), FigureOptions(expandFused: true, worksheet: true)] {
                let dot = try Figure(pass, options: options).dot(.complete)
                let direct = try Graphviz.layout(dot: dot)
                let roundTrip = try Graphviz.layoutViaDOTText(dot: dot)
                #expect(direct == roundTrip)
                #expect(!direct.nodes.isEmpty && !direct.edges.isEmpty)
            }
        }
    }
}

extension Graphviz {
    /// The former route: render the laid-out graph as DOT text, parse it back, read it (the reference the direct read is compared with).
    static func layoutViaDOTText(dot: String) throws(GraphvizError) -> GraphvizLayout {
        try GraphvizRuntime.shared.withContext { gvc throws(GraphvizError) in
            let laidOut = try withGraph(dot, gvc: gvc, engine: .dot) { g throws(GraphvizError) in
                try renderData(gvc, g, format: "dot")
            }
            let text = String(decoding: laidOut, as: UTF8.self)
            return try withParsed(text) { g in readGeometry(g) }
        }
    }
}
