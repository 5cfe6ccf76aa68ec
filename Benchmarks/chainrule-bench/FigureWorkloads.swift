import ChainRule
import ChainRuleRender
import Foundation
import GraphScript

/// Graph scripts the figure workloads draw; the peers build the same graphs with micrograd.
enum Scripts {
    /// Deep Learning from Scratch's apple-and-orange shopping graph (ch. 5).
    static let apples = """
        apple = 100
        apple_num = 2
        orange = 150
        orange_num = 3
        tax = 1.1
        apple_price = apple * apple_num
        orange_price = orange * orange_num
        all_price = apple_price + orange_price
        price = all_price * tax
        """

    /// micrograd's MLP(nin, sizes) on one sample with loss `(s − 1)²`, one
    /// operation per statement, the same nodes micrograd creates
    /// (`b + w·x …`, relu on hidden layers). Weights ~ U(−1, 1), seeded.
    static func mlp(inputs: [Double], sizes: [Int], seed: UInt64 = 1) -> String {
        var rng = Rng(seed: seed)
        var lines: [String] = []
        var h = inputs.enumerated().map { i, v in
            lines.append("x\(i) = \(v)")
            return "x\(i)"
        }
        var nin = inputs.count
        for (l, nout) in sizes.enumerated() {
            var next: [String] = []
            for j in 0..<nout {
                let p = "l\(l)n\(j)"
                for i in 0..<nin { lines.append("\(p)w\(i) = \(String(format: "%.4f", rng.uniform(-1, 1)))") }
                lines.append("\(p)b = 0")
                var act = "\(p)b"
                for i in 0..<nin {
                    lines.append("\(p)m\(i) = \(p)w\(i) * \(h[i])")
                    lines.append("\(p)s\(i) = \(act) + \(p)m\(i)")
                    act = "\(p)s\(i)"
                }
                if l < sizes.count - 1 {
                    lines.append("\(p)out = relu(\(act))")
                    next.append("\(p)out")
                } else {
                    next.append(act)
                }
            }
            h = next
            nin = nout
        }
        lines.append("y = 1")
        lines.append("d = \(h[0]) - y")
        lines.append("loss = d ^ 2")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A 10,000-statement scalar script: 100 leaves, then 9,900 statements of
    /// one operation each (`*`, `+`, `relu`, fan-out `+` of an earlier value).
    static func eval10k(statements: Int = 10_000) -> String {
        var rng = Rng(seed: 42)
        var lines: [String] = []
        let leaves = 100
        for i in 0..<leaves { lines.append("p\(i) = \(String(format: "%.4f", rng.uniform(0.5, 1.5)))") }
        lines.append("v0 = p0 * p1")
        for i in 1..<(statements - leaves - 1) {
            let p = "p\(rng.int(leaves))"
            switch i % 4 {
            case 0: lines.append("v\(i) = v\(i - 1) * \(p)")
            case 1: lines.append("v\(i) = v\(i - 1) + \(p)")
            case 2: lines.append("v\(i) = relu(v\(i - 1))")
            default: lines.append("v\(i) = v\(i - 1) + v\(max(0, i - 1 - rng.int(8)))")
            }
        }
        lines.append("L = v\(statements - leaves - 2) * p2")
        return lines.joined(separator: "\n") + "\n"
    }
}

enum Figures {
    static func figure(_ source: String, name: String, options: FigureOptions = FigureOptions()) throws -> Figure {
        let script = try ScriptCompiler.compile(Array(source.utf8), fileName: name)
        return try Figure(try script.evaluate(), options: options)
    }

    /// Options for drawing a graph as micrograd's `draw_dot` does: as laid
    /// out, without tightening it for a slide (`fitToSlide` lays a figure that
    /// reads below 10 px out a second time, tighter — a lesson feature
    /// `draw_dot` has no counterpart for).
    static var unfitted: FigureOptions {
        var options = FigureOptions()
        options.fitToSlide = false
        return options
    }

    /// `count` frames of a lesson: forward steps reveal values node by node,
    /// backward steps reveal gradients edge by edge, each step highlighted.
    static func stepFrames(_ figure: Figure, count: Int) -> [FigureFrame] {
        let graph = figure.graph
        let ops = graph.nodes.filter { $0.operation != nil }.map(\.id)
        let leaves = graph.nodes.filter { $0.operation == nil }.map(\.id)
        var frames: [FigureFrame] = [.unknown]
        // Forward: values appear in topological order.
        var known = Set(leaves)
        for op in ops {
            known.insert(op)
            frames.append(FigureFrame(values: known, gradients: [], highlightedNodes: [op]))
        }
        // Backward: gradients appear output first.
        var grads = Set<FigureEdge>()
        for op in ops.reversed() {
            for e in figure.edges where e.to == op || e.from == op { grads.insert(e) }
            frames.append(FigureFrame(values: nil, gradients: grads, highlightedNodes: [op]))
        }
        frames.append(.complete)
        // Exactly `count`, cycling if the graph has fewer steps.
        return (0..<count).map { frames[$0 * frames.count / count] }
    }

    /// A figure's Graphviz node count (from its DOT: lines declaring a node).
    static func graphvizNodes(_ dot: String) -> Int {
        dot.split(separator: "\n").filter { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            return !t.contains("->") && t.contains("[") && !t.hasPrefix("graph") && !t.hasPrefix("node")
                && !t.hasPrefix("edge") && !t.hasPrefix("digraph")
        }.count
    }
}

/// `chainrule-bench --child frames-mlp|frames-apples|big [N]`: for profilers
/// (callgrind, perf): one layout and N frames, timings on stdout.
enum FigureChild {
    static func run(_ args: [String]) -> Never {
        let kind = args.first ?? "frames-mlp"
        let n = args.count > 1 ? Int(args[1]) ?? 20 : 20
        do {
            let source: String
            switch kind {
            case "frames-apples": source = Scripts.apples
            case "big": source = Scripts.mlp(inputs: [0.5, -1, 2, 0.25], sizes: [16, 16, 1])
            default: source = Scripts.mlp(inputs: [2, -1], sizes: [4, 4, 1])
            }
            var t0 = now(), c0 = cpuNow()
            // Wall time, and CPU time (the machine is shared: wall includes waiting for a core).
            func lap(_ what: String, per: Int = 1) {
                let w = (now() - t0) / Double(per), c = (cpuNow() - c0) / Double(per)
                print(what, formatSeconds(w), "(CPU \(formatSeconds(c)))", per > 1 ? "each" : "")
                t0 = now(); c0 = cpuNow()
            }
            // `--child frames-mlp 20 --no-fit`: the figure as the `frames-mlp` row draws it.
            let figure = try Figures.figure(source, name: kind + ".graph",
                                            options: args.contains("--no-fit") ? Figures.unfitted : FigureOptions())
            lap("figure (compile, evaluate, prepare)")
            // `--child big N --render-only`: the `big-graph` row's work alone, N times (for perf/callgrind;
            // the row times the same figure again and again: numbers and names are cached after the first).
            if args.contains("--render-only") {
                for _ in 0..<max(1, n) {
                    blackHole(try figure.render(format: .svg))
                    lap("Figure.render() (one dot pass: layout + SVG)")
                }
                exit(0)
            }
            let dot = figure.dot()
            lap("DOT text (\(dot.utf8.count) bytes), first")
            blackHole(figure.dot())
            lap("DOT text again (numbers and names cached)")
            blackHole(try figure.render(format: .svg))
            lap("Figure.render() (one dot pass: layout + SVG)")
            blackHole(try Graphviz.layout(dot: dot))
            lap("Graphviz.layout alone")
            let layout = try FigureLayout(figure)
            lap("layout (FigureLayout: DOT + dot layout)")
            let frames = Figures.stepFrames(figure, count: n)
            for f in frames { blackHole(layout.dot(f)) }
            lap("\(n) pinned DOT texts", per: n)
            blackHole(try layout.render(frames[0]))
            lap("first frame (whole pinned render through nop2, split)")
            for f in frames.dropFirst() { blackHole(try layout.render(f)) }
            lap("\(n - 1) more frames (partial renders of unseen object states)", per: max(1, n - 1))
            // `--repeat R`: R more runs of the bench row's work alone (a fresh
            // layout, then the frames), so a profile is mostly that work.
            if let i = args.firstIndex(of: "--repeat"), i + 1 < args.count, let r = Int(args[i + 1]), r > 0 {
                for _ in 0..<r {
                    let again = try FigureLayout(figure)
                    for f in frames { blackHole(try again.render(f)) }
                }
                lap("\(r) runs of the row (layout + \(n) frames), per frame", per: r * n)
            }
        } catch {
            print("error: \(error)")
            exit(1)
        }
        exit(0)
    }
}
