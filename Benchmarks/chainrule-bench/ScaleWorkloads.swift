import ChainRule
import ChainRuleLessons
import ChainRuleRender
import Foundation
import GraphScript

/// `chainrule-bench --child scale [shapes|tuning|legibility]…`: figures at the
/// scale of real networks (issue 11). Numbers only — no goal is asserted.
///
/// - `shapes`: each bad shape drawn by the real `chainrule draw` (whole
///   process, under `/usr/bin/time`): wall and CPU time, peak RSS, and the
///   budget's verdict (Graphviz nodes, layout work, tuning, drawn/refused).
/// - `tuning`: the same figures laid out in-process with each `dot` option
///   alone and each `LayoutTuning` tier: time, size and legibility (the
///   cost of each option in time and quality; Benchmarks/README.md).
/// - `legibility`: the median label height (CSS px at 1280×720) of every
///   shipped lesson's backward figures, the MLP whole and focused on each node.
///   `CHAINRULE_BENCH_SVG_DIR=DIR` also writes each lesson figure there, to look at.
enum ScaleChild {
    static let shapes: [(id: String, what: String, source: String)] = [
        ("residual-64", "64-statement residual chain reusing w and b", StressScripts.residualChain(64)),
        ("fan-out-1200", "one vector used 1,200 times (10 KB one-liner)", StressScripts.fanOut(1_200)),
        ("chain-1000", "chain 1,000 operations deep", StressScripts.deepChain(1_000)),
        ("mlp-2000", "MLP(4, [16, 16, 1]) scalar script (~1,100 script nodes, 2,500 Graphviz nodes)", StressScripts.mlp(inputs: 4, sizes: [16, 16, 1])),
        ("mlp-4000", "MLP(4, [24, 24, 1]) scalar script (~2,200 script nodes)", StressScripts.mlp(inputs: 4, sizes: [24, 24, 1])),
        ("matrix-10", "matrix net, 10 affine + tanh layers", StressScripts.matrixNet(layers: 10)),
        ("mlp-2441", "micrograd MLP(2, [4, 4, 1])", StressScripts.mlp()),
    ]

    static func start(_ args: [String]) -> Never {
        let parts = args.dropFirst().isEmpty ? ["shapes", "tuning", "legibility"] : Array(args.dropFirst())
        if parts.contains("shapes") { drawShapes() }
        if parts.contains("tuning") { compareTuning() }
        if parts.contains("legibility") { legibility() }
        exit(0)
    }

    static func budget(_ source: String) throws -> (FigureBudget, Figure) {
        let figure = try Figure(try ScriptCompiler.compile(source, fileName: "shape.graph").evaluate())
        return (FigureBudget(figure), figure)
    }

    static func drawShapes() {
        let binary = executableDirectory() + "/chainrule"
        let dir = NSTemporaryDirectory() + "chainrule-scale-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        print("| shape | Graphviz nodes | columns | layout work | tuning | outcome | wall | CPU | peak RSS |")
        print("|---|---|---|---|---|---|---|---|---|")
        for shape in shapes {
            let path = dir + "/\(shape.id).graph"
            _ = FileManager.default.createFile(atPath: path, contents: Data(shape.source.utf8))
            var cells = ["`\(shape.id)` \(shape.what)"]
            if let (b, _) = try? budget(shape.source) {
                cells += [String(b.graphvizNodes), String(b.ranks), FigureBudget.millionsText(b.work), b.tuning.name]
            } else {
                cells += ["?", "?", "?", "?"]
            }
            let timed = "/usr/bin/time"
            guard FileManager.default.isExecutableFile(atPath: timed),
                  let r = try? run(timed, ["-f", "%e %U %S %M", binary, "draw", path, "-o", dir + "/\(shape.id).svg"]) else {
                print("| " + (cells + ["(no /usr/bin/time or chainrule)", "", "", ""]).joined(separator: " | ") + " |")
                continue
            }
            let f = r.stderr.split(separator: "\n").last?.split(separator: " ").compactMap { Double($0) } ?? []
            let outcome = r.status == 0 ? "drawn" : (r.stderr.contains("too large") || r.stderr.contains("limited to") ? "refused" : "failed")
            if f.count == 4 {
                cells += [outcome, String(format: "%.2f s", f[0]), String(format: "%.2f s", f[1] + f[2]), String(format: "%.0f MB", f[3] / 1024)]
            } else {
                cells += [outcome, String(format: "%.2f s", r.seconds), "?", "?"]
            }
            print("| " + cells.joined(separator: " | ") + " |")
        }
    }

    /// Each `dot` option alone, then the tiers, as graph attributes added to the figure's DOT.
    static let optionSets: [(name: String, attributes: [String: String])] = [
        ("Graphviz defaults", [:]),
        ("mclimit=0.2", ["mclimit": "0.2"]),
        ("nslimit=2 nslimit1=2", ["nslimit": "2", "nslimit1": "2"]),
        ("nslimit=0.2", ["nslimit": "0.2"]),
        ("searchsize=10", ["searchsize": "10"]),
        ("remincross=false", ["remincross": "false"]),
        ("newrank=true", ["newrank": "true"]),
        ("tier bounded", LayoutTuning.bounded.attributes),
        ("tier fast", LayoutTuning.fast.attributes),
    ]

    /// `dot` with `attributes` added as graph attributes (after the first `{`).
    static func with(_ attributes: [String: String], _ dot: String) -> String {
        guard !attributes.isEmpty, let brace = dot.firstIndex(of: "{") else { return dot }
        var out = dot
        out.insert(contentsOf: "\n" + attributes.keys.sorted().map { "  \($0)=\"\(attributes[$0]!)\";" }.joined(separator: "\n"),
                   at: out.index(after: brace))
        return out
    }

    static func compareTuning() {
        print("\n| shape | dot options | layout + SVG (in process) | size (pt) | legibility (px) |")
        print("|---|---|---|---|---|")
        for shape in shapes where ["residual-64", "mlp-2441", "matrix-10", "chain-1000", "mlp-2000"].contains(shape.id) {
            guard let (b, figure) = try? budget(shape.source), b.refusal == nil else { continue }
            let plain = figure.dot(.complete)
            for option in optionSets {
                let t0 = now(), c0 = cpuNow()
                guard let svg = try? Graphviz.render(dot: with(option.attributes, plain), engine: .dot, format: .svg) else { continue }
                let wall = now() - t0, cpu = cpuNow() - c0
                let l = Legibility(svg: String(decoding: svg, as: UTF8.self))
                let chosen = option.attributes == b.tuning.attributes ? " (chosen: \(b.tuning.name))" : ""
                print("| `\(shape.id)` | \(option.name)\(chosen) | \(String(format: "%.2f s (CPU %.2f s)", wall, cpu)) | \(Int(l.width)) × \(Int(l.height)) | \(String(format: "%.1f", l.medianLabelPixels())) |")
            }
        }
    }

    static func legibility() {
        let root = packageRoot()
        let dir = root + "/Lessons"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".md") && $0.first?.isNumber == true }.sorted()
        print("\n| lesson | graph | size (pt) | legibility (px) | ≥ 10 px |")
        print("|---|---|---|---|---|")
        for file in files {
            guard let lesson = try? Lesson.load(path: dir + "/" + file, fileName: file) else {
                print("| \(file) | (does not load) | | | |")
                continue
            }
            for (i, section) in lesson.sections.enumerated() {
                guard let figure = try? Figure(section.backward), let layout = try? FigureLayout(figure),
                      let svg = try? layout.svg() else { print("| \(lesson.id) | \(i + 1) | (not drawn) | | |"); continue }
                let l = Legibility(svg: svg)
                let px = l.medianLabelPixels()
                if let out = ProcessInfo.processInfo.environment["CHAINRULE_BENCH_SVG_DIR"] {  // to look at them
                    _ = FileManager.default.createFile(atPath: out + "/\(lesson.id)-\(i + 1).svg", contents: Data(svg.utf8))
                }
                print("| \(lesson.id) | \(i + 1) | \(Int(l.width)) × \(Int(l.height)) | \(String(format: "%.1f", px)) | \(px >= 10 ? "yes" : "**no**") |")
            }
        }
        // micrograd's MLP(2, [4, 4, 1]): whole, and focused on every node.
        guard let (_, figure) = try? budget(StressScripts.mlp()) else { return }
        if let whole = try? figure.render(format: .svg) {
            print("\nMLP(2, [4, 4, 1]) whole: \(String(format: "%.1f", Legibility(svg: String(decoding: whole, as: UTF8.self)).medianLabelPixels())) px")
        }
        var worst = (px: Double.infinity, name: "")
        var all: [Double] = []
        for node in figure.graph.nodes where node.kind != .constant {
            let focus = FigureFocus(figure, center: node.id, radius: 1)
            guard let svg = try? figure.renderFocused(focus) else { continue }
            let px = Legibility(svg: String(decoding: svg, as: UTF8.self)).medianLabelPixels()
            all.append(px)
            if px < worst.px { worst = (px, figure.displayName(of: node.id)) }
        }
        print("MLP(2, [4, 4, 1]) --focus (radius 1) on each of \(all.count) nodes: min \(String(format: "%.1f", worst.px)) px (\(worst.name)), median \(String(format: "%.1f", all.median)) px")
    }
}

extension FigureBudget {
    /// `94 M`.
    static func millionsText(_ n: Int) -> String { String(format: "%.0f M", Double(n) / 1e6) }
}

