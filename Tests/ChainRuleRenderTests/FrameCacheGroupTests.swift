import ChainRule
@testable import ChainRuleRender
import Foundation
import Testing

/// Frames of a figure with groups (clusters): each group's box is pinned to
/// the layout, and the frames come from the cache, byte for byte what
/// Graphviz renders for the whole frame.
@Suite struct FrameCacheGroupTests {
    /// `bb` is written with 5 significant digits: 1972.35 reads back as 1972.4.
    static let bbPrecision = 0.06

    /// micrograd's MLP(2, [4, 4, 1]) with its neurons and layers boxed, drawn as laid out.
    static func layout() throws -> FigureLayout {
        let (script, pass) = try GroupFigureTests.mlp()
        var options = FigureOptions(groups: script.graph.inferredGroups())
        options.fitToSlide = false
        return try FigureLayout(try Figure(pass, options: options))
    }

    /// Each cluster's group id and the `d` of its outline, in the order the SVG draws them.
    static func clusterPaths(_ svg: [UInt8]) -> [(id: String, d: String)] {
        var out: [(String, String)] = []
        var rest = Substring(String(decoding: svg, as: UTF8.self))
        while let g = rest.range(of: "<g id=\"group&#45;") {
            rest = rest[g.upperBound...]
            let id = "group-" + rest.prefix { $0 != "\"" }
            guard let d = rest.range(of: " d=\"") else { break }
            out.append((id, String(rest[d.upperBound...].prefix { $0 != "\"" })))
        }
        return out
    }

    @Test func pinnedGroupsKeepTheLayoutsBoxes() throws {
        let layout = try Self.layout()
        // Read back from the layout: every group (3 layers, 9 neurons) has its own box.
        #expect(layout.geometry.clusters.count == 12)
        let pinned = Self.clusterPaths(try layout.renderWithGraphviz(.complete))
        // In DOT order (each layer, then its neurons: group 0, 1, …, 11), each its own box,
        // not all as large as the whole graph (what `nop2` drew without `bb`).
        #expect(pinned.map(\.id) == (0..<12).map { "group-\($0)" })
        #expect(Set(pinned.map(\.d)).count == 12)
        // The boxes the one-pass `dot` render draws for the same figure, in the same order.
        let oneShot = Self.clusterPaths(try layout.figure.render(format: .svg))
        #expect(pinned.map(\.id) == oneShot.map(\.id))
        // (To the 5 significant digits Graphviz writes `bb` with.)
        func numbers(_ d: String) -> [Double] { d.split { !"0123456789.-".contains($0) }.compactMap { Double($0) } }
        for (p, o) in zip(pinned, oneShot) {
            let (a, b) = (numbers(p.d), numbers(o.d))
            #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= Self.bbPrecision }, "\(p.id): \(p.d) vs \(o.d)")
        }
    }

    /// cgraph orders subgraphs by the address of their names: with `malloc`'s
    /// memory the clusters' order changed with what was allocated before.
    @Test func clusterOrderDoesNotDependOnEarlierAllocations() throws {
        let layout = try Self.layout()
        let first = try layout.renderWithGraphviz(.complete)
        var keep: [[UInt8]] = []
        for k in 0..<6 {
            // Other graphs and allocations of many sizes in between.
            keep.append(try Graphviz.render(dot: "digraph { subgraph cluster_b\(k) { b\(k) } subgraph cluster_a { a } }"))
            keep.append([UInt8](repeating: UInt8(k), count: 1 << (8 + k)))
            #expect(try layout.renderWithGraphviz(.complete) == first, "render \(k + 2)")
            #expect(try FigureLayout(layout.figure).geometry == layout.geometry, "layout \(k + 2)")
        }
        #expect(!keep.isEmpty)
    }

    @Test func groupedFramesComeFromTheCache() throws {
        let layout = try Self.layout()
        let all = FrameCacheTests.frames(layout.figure)
        // Every 7th frame (the MLP has ~230 of them): unknown, values, gradients, overrides, complete.
        let frames = stride(from: 0, to: all.count, by: 7).map { all[$0] } + [.complete, .unknown]
        for (k, frame) in frames.enumerated() {
            let cached = try layout.render(frame)
            let reference = try layout.renderWithGraphviz(frame)
            if cached != reference, ProcessInfo.processInfo.environment["FRAMECACHE_DUMP"] != nil {
                try? Data(cached).write(to: URL(fileURLWithPath: "/tmp/fc-cached.svg"))
                try? Data(reference).write(to: URL(fileURLWithPath: "/tmp/fc-ref.svg"))
            }
            #expect(cached == reference, "frame \(k)")
        }
        #expect(layout.frameCache.status.usable)
    }
}
