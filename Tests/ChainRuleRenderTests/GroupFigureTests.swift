import ChainRule
@testable import ChainRuleRender
import Foundation
import GraphScript
import Testing

/// Clusters, `--collapse` and legibility on micrograd's MLP(2, [4, 4, 1])
/// (docs/gallery/mlp.graph: anonymous temporaries t0 … t105, tanh neurons).
@Suite struct GroupFigureTests {
    static let mlpPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/gallery/mlp.graph").standardized.path

    static func mlp() throws -> (Script, Backward) {
        let text = try String(contentsOfFile: mlpPath, encoding: .utf8)
        let script = try ScriptCompiler.compile(text, fileName: "mlp.graph")
        return (script, try script.evaluate())
    }

    static func figure(collapse: CollapseLevel? = nil, theme: FigureTheme = .light) throws -> (Script, Figure) {
        let (script, pass) = try mlp()
        let options = FigureOptions(theme: theme, groups: script.graph.inferredGroups(), collapse: collapse)
        return (script, try Figure(pass, options: options))
    }

    /// The lines of `subgraph "cluster_<g>" { … }` (nested clusters included).
    func cluster(_ g: Int, in dot: String) -> [Substring] {
        let lines = dot.split(separator: "\n")
        guard let start = lines.firstIndex(where: { $0.contains("subgraph \"cluster_\(g)\" {") }) else { return [] }
        var depth = 0
        var out: [Substring] = []
        for line in lines[start...] {
            out.append(line)
            if line.hasSuffix("{") { depth += 1 }
            if line.trimmingCharacters(in: .whitespaces) == "}" { depth -= 1; if depth == 0 { break } }
        }
        return out
    }

    @Test func neuronsAndLayersAreClusters() throws {
        let (_, figure) = try Self.figure()
        let dot = figure.dot()
        #expect(dot.components(separatedBy: "subgraph \"cluster_").count - 1 == 3 + 9)
        // Layer 1 is group 0, its first neuron group 1: weights t2, t3 and bias t4 sit inside it,
        // with the labels of their edges; the inputs t0, t1 stay outside every cluster.
        let neuron = cluster(1, in: dot).joined(separator: "\n")
        #expect(neuron.contains("label=<<FONT COLOR=\"#6b7280\" POINT-SIZE=\"12\"><I>neuron 1.1</I></FONT>>"))
        for name in ["\"t2\";", "\"t3\";", "\"t4\";", "\"tanh → t9\";", "\"t2 → × → t5 [0]\";"] {
            #expect(neuron.contains(name), "\(name)")
        }
        #expect(!neuron.contains("\"t0\";"))
        #expect(cluster(0, in: dot).joined().contains("subgraph \"cluster_4\""))
        // Grouped inputs are not pulled into the first column.
        let rankMin = dot.split(separator: "\n").first { $0.contains("rank=min") }
        #expect(rankMin == nil || !rankMin!.contains("\"t2\""))
        // Graphviz lays it out (no error), and the SVG carries the clusters' ids.
        let svg = String(decoding: try figure.render(format: .svg), as: UTF8.self)
        #expect(svg.contains("<g id=\"group&#45;1\" class=\"cluster group group&#45;neuron\""))
    }

    @Test func collapsedNeuronBoxesShowInputsOutputsValuesAndGradients() throws {
        let (script, figure) = try Self.figure(collapse: .neurons)
        let dot = figure.collapsedDOT(.neurons)
        #expect(dot.components(separatedBy: "class=\"collapsed-group group-neuron\"").count - 1 == 9)
        #expect(!dot.contains("cluster_"))
        let pass = figure.backward
        let f = NumberFormat.figure
        func id(_ n: String) -> NodeID { script.node(named: n)! }
        func value(_ n: String) -> Double { pass.forward.value(of: id(n)).scalar }
        func grad(_ n: String) -> Double { pass.gradient(of: id(n))!.scalar }
        // Neuron 1.1 = tanh(t4 + t2·t0 + t3·t1), output t9.
        let box = try #require(dot.split(separator: "\n").first { $0.contains("id=\"group-1\"") })
        // Its inputs × weights, parameters and output, each value with its gradient.
        for n in ["t0", "t2", "t3", "t4", "t9"] {
            #expect(box.contains(">\(n)<") || box.contains(n + "<") , "\(n) named")
            #expect(box.contains(f.string(value(n))), "\(n) value")
        }
        for n in ["t2", "t3", "t4", "t9"] { #expect(box.contains("∂ " + f.string(grad(n))), "∂\(n)") }
        // The share of ∂L/∂t0 that flows back through this neuron: t2 · ∂L/∂t5, ∂L/∂t5 = ∂L/∂t9 · (1 − t9²).
        let share = value("t2") * grad("t9") * (1 - value("t9") * value("t9"))
        #expect(box.contains("∂ " + f.string(share)))
        // The four shares add up to ∂L/∂t0, which matches central differences.
        let shares = (0..<4).map { k in value("t\(2 + 8 * k)") * grad("t\(9 + 8 * k)") * (1 - pow(value("t\(9 + 8 * k)"), 2)) }
        let numerical = try GradientCheck.numericalGradient(of: script.output, withRespectTo: id("t0"), in: script.graph).scalar
        #expect(abs(shares.reduce(0, +) - numerical) < 1e-6)
        #expect(abs(grad("t0") - numerical) < 1e-6)
        // Each input row is an edge's end: t0 enters neuron 1.1 at its row `in0`.
        #expect(dot.contains("\"n0\" -> \"box0\":\"in0\":\"w\""))
    }

    @Test func collapsedLayersFoldFourNeuronsEach() throws {
        let (_, figure) = try Self.figure(collapse: .layers)
        let dot = figure.collapsedDOT(.layers)
        #expect(dot.components(separatedBy: "class=\"collapsed-group group-layer\"").count - 1 == 3)
        #expect(dot.contains("12 parameters (weights and biases) inside"))
        #expect(dot.contains("20 parameters (weights and biases) inside"))
        _ = try figure.render(format: .svg)
    }

    /// Issue 11's target: ≥ 10 px median label height on a 1280×720 slide.
    @Test func collapsedMLPIsLegibleOnASlide() throws {
        for theme in FigureTheme.all {
            let (_, figure) = try Self.figure(collapse: .neurons, theme: theme)
            let svg = String(decoding: try figure.render(format: .svg), as: UTF8.self)
            let px = Legibility(svg: svg).medianLabelPixels()
            #expect(px >= 10, "\(theme.name): \(px) px")
        }
        let (_, whole) = try Self.figure()
        let svg = String(decoding: try whole.render(format: .svg), as: UTF8.self)
        #expect(Legibility(svg: svg).medianLabelPixels() < 10)  // why --collapse exists
    }

    @Test func legibilityMeasure() {
        let svg = """
            <svg width="2560pt" height="720pt" viewBox="0 0 2560 720"><text font-size="12.00">a</text>
            <text font-size="14.00">b</text><text font-size="9.00">c</text></svg>
            """
        let l = Legibility(svg: svg)
        #expect(l.fontSizes == [12, 14, 9])
        // 2560 pt = 3413 px wide: scale 1280/3413 = 0.375; 12 pt = 16 px → 6 px.
        #expect(abs(l.medianLabelPixels() - 6) < 1e-9)
        #expect(abs(l.medianLabelPixels(regionWidth: 300, regionHeight: 100) - 16) < 1e-9)  // never enlarged
    }

    @Test func expandedFiguresKeepTheirGroups() throws {
        let script = try ScriptCompiler.compile("x = 1\nw = 2\nv = -1\nh1 = sigmoid(w * x)\nh2 = sigmoid(v * x)\ny = h1 + h2", fileName: "s.graph")
        let groups = script.graph.inferredGroups()
        #expect(groups.children(of: nil).count == 1)
        let figure = try Figure(try script.evaluate(), options: FigureOptions(expandFused: true, groups: groups))
        // The primitives of each sigmoid join its neuron.
        let neuron = figure.groups.members(of: 1)
        #expect(neuron.count > groups.members(of: 1).count)
        _ = try figure.render(format: .svg)
    }

    /// A pinned frame (what lessons, the player and export draw) puts each
    /// cluster in the box `dot` gave it. Without the boxes, `nop2` gave every
    /// cluster the whole graph's box: 12 boxes drawn on top of each other,
    /// the top one's name on the whole figure.
    @Test func pinnedFramesDrawEachClusterInItsOwnBox() throws {
        let (_, figure) = try Self.figure()
        let layout = try FigureLayout(figure)
        #expect(layout.geometry.clusters.count == 12)
        let svg = String(decoding: try layout.render(), as: UTF8.self)
        // The first path of each cluster's group is its box.
        let boxes = svg.components(separatedBy: "class=\"cluster").dropFirst().compactMap { chunk -> String? in
            guard let d = chunk.range(of: " d=\"") else { return nil }
            return String(chunk[d.upperBound...].prefix { $0 != "\"" })
        }
        #expect(boxes.count == 12)
        #expect(Set(boxes).count == 12)
        let whole = try #require(layout.geometry.boundingBox.split(separator: ",").last.flatMap { Double($0) })
        for (name, cluster) in layout.geometry.clusters {
            let bb = cluster.boundingBox.split(separator: ",").compactMap { Double($0) }
            #expect(bb.count == 4 && bb[3] - bb[1] < whole, "\(name): \(cluster.boundingBox)")
        }
    }
}
