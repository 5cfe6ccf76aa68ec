// chainrule-bench: ChainRule against the tools people use instead (micrograd,
// NumPy, Graphviz's `dot`), side by side in one run. See Benchmarks/README.md.
//
//   swift run -c release chainrule-bench [--quick] [--json out.json] [--no-peers]
//                                         [--python PATH] [--only ID,ID…]
import ChainRule
import ChainRuleRender
import Foundation
import GraphScript

// MARK: Options

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--child" {
    let rest = Array(arguments.dropFirst())
    if rest.first?.hasPrefix("frames") == true || rest.first == "big" { FigureChild.run(rest) }
    if rest.first == "scale" { ScaleChild.start(rest) }  // issue 11: bad shapes, tuning, legibility
    RSSChild.run(rest)
}
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        usage: chainrule-bench [--quick] [--json FILE] [--no-peers] [--python PATH] [--only ID,…]

          --quick      fewer repeats, smaller sizes (< 60 s); for CI
          --json FILE  also write every sample as JSON (default Benchmarks/results/latest.json)
          --no-peers   ChainRule only (peers need Benchmarks/peers/.venv: `make bench`)
          --python P   the Python with micrograd, numpy, graphviz (default: the venv)
          --only IDS   comma-separated workload ids (see the table's first column)
        """)
    exit(0)
}
@MainActor func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let quick = arguments.contains("--quick")
let root = packageRoot()
let resultsDir = root + "/Benchmarks/results"
try? FileManager.default.createDirectory(atPath: resultsDir, withIntermediateDirectories: true)
let jsonPath = option("--json") ?? resultsDir + "/latest.json"
let only = option("--only").map { Set($0.split(separator: ",").map(String.init)) }
let venvPython = root + "/Benchmarks/peers/.venv/bin/python"
let python: String? = arguments.contains("--no-peers") ? nil
    : option("--python") ?? (FileManager.default.isExecutableFile(atPath: venvPython) ? venvPython : nil)
let chainruleBinary: String? = {
    let p = executableDirectory() + "/chainrule"
    return FileManager.default.isExecutableFile(atPath: p) ? p : nil
}()
let dotBinary: String? = ["/usr/bin/dot", "/usr/local/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }
/// Whether `--only` asks for the workload group `id`: by the group (`big`) or by
/// one of its row ids (`big-graph`, `twolayer-sgd`).
@MainActor func wanted(_ id: String) -> Bool {
    only.map { $0.contains(id) || $0.contains(String(id.split(separator: "-")[0])) || $0.contains { $0.hasPrefix(id + "-") } } ?? true
}

// MARK: Results

/// Samples of one side of a workload.
struct Series: Codable {
    /// Wall-clock samples (seconds, or a rate, or bytes).
    var samples: [Double]
    var unit: String
    /// The same runs measured in CPU seconds (user + system, children
    /// included), in the same unit.
    var cpu: [Double]? = nil
    var min: Double { samples.minimum }
    var median: Double { samples.median }
}

/// Wall samples from `measure` (scaled), with the CPU samples of the same runs.
func timed(_ t: [Double], scale: Double = 1) -> Series {
    Series(samples: t.map { $0 * scale }, unit: "s", cpu: lastCPU.count == t.count ? lastCPU.map { $0 * scale } : nil)
}

/// Nodes per second from wall and CPU times.
func rate(_ nodes: Int, _ s: Series) -> Series {
    Series(samples: s.samples.map { Double(nodes) / $0 }, unit: "nodes/s", cpu: s.cpu?.map { Double(nodes) / $0 })
}

/// One row of the table.
struct Row: Codable {
    var id: String
    var workload: String
    var ours: Series?
    var peerName: String
    var peer: Series?
    /// How the goal is judged.
    enum Goal: Codable {
        /// peer median / our median ≥ factor
        case speedup(Double)
        /// our median / peer median ≤ factor
        case atMost(Double)
        /// nodes per second (from our median) ≥ rate; `nodes` per run
        case throughput(Double, nodes: Int)
        /// our value (bytes per node) ≤ limit
        case bytesPerNode(Double)
        /// our value (bytes of growth) ≤ limit
        case flat(Double)
        /// our median ≤ seconds (no peer)
        case within(Double)
        case none
        var isAtMost: Bool { if case .atMost = self { return true } else { return false } }
    }
    var goal: Goal
    var note: String = ""

    /// The same ratio from CPU-time medians.
    var cpuRatio: Double? {
        guard let o = ours?.cpu?.median, let p = peer?.cpu?.median else { return nil }
        if ours?.unit == "nodes/s" { return o / p }
        switch goal {
        case .atMost: return o / p
        default: return p / o
        }
    }

    var ratio: Double? {
        guard let o = ours?.median else { return nil }
        if ours?.unit == "nodes/s" { return peer.map { o / $0.median } }   // rates: higher is better
        switch goal {
        case .speedup, .none: return peer.map { $0.median / o }
        case .atMost: return peer.map { o / $0.median }
        case .throughput, .within: return nil   // handled above / absolute
        case .bytesPerNode, .flat: return peer.map { $0.median / o }
        }
    }

    /// The `≤ N×` ratio from the minimums (ChainRule's min ÷ the peer's min).
    var minRatio: Double? {
        guard case .atMost = goal, let o = ours?.min, let p = peer?.min else { return nil }
        return o / p
    }

    var met: Bool? {
        guard let o = ours?.median, o.isFinite else { return nil }
        switch goal {
        case .speedup(let f): return ratio.map { $0 >= f }
        case .atMost(let f): return ratio.map { $0 <= f && (minRatio ?? $0) <= f }   // by median and by minimum
        case .throughput(let rate, _): return o >= rate
        case .bytesPerNode(let limit): return o <= limit
        case .flat(let limit): return o <= limit
        case .within(let limit): return o <= limit
        case .none: return nil
        }
    }

    var goalText: String {
        switch goal {
        case .speedup(let f): return f == 1 ? "no slower" : "≥ \(fmt(f))× faster"
        case .atMost(let f): return "≤ \(fmt(f))× \(peerName)"
        case .throughput(let rate, _): return "≥ \(fmt(rate / 1e6)) M nodes/s"
        case .bytesPerNode(let limit): return "≤ \(Int(limit)) B/node"
        case .flat(let limit): return "flat (≤ \(fmt(limit / 1_048_576)) MiB growth)"
        case .within(let limit): return "≤ \(formatSeconds(limit))"
        case .none: return "—"
        }
    }
}

func fmt(_ x: Double) -> String {
    if x >= 100 { return String(format: "%.0f", x) }
    if x >= 10 { return String(format: "%.1f", x) }
    return String(format: "%.2g", x)
}

/// A cell: `min / median` in the series' unit.
func cell(_ s: Series?) -> String {
    guard let s, !s.samples.isEmpty else { return "—" }
    switch s.unit {
    case "s": return "\(formatSeconds(s.min)) / \(formatSeconds(s.median))"
    case "nodes/s": return String(format: "%.2f / %.2f M nodes/s", s.samples.max()! / 1e6, s.median / 1e6)
    case "B/node": return String(format: "%.0f B/node", s.median)
    case "bytes": return String(format: "%.2f MiB", s.median / 1_048_576)
    default: return "\(s.min) / \(s.median) \(s.unit)"
    }
}

var rows: [Row] = []
var peerResults: [String: Any] = [:]
var notes: [String] = []

func log(_ s: String) { FileHandle.standardError.write(Data(("· " + s + "\n").utf8)) }

/// Runs a peer script, returning its JSON object.
@MainActor func runPeer(_ script: String, _ args: [String]) -> [String: Any] {
    guard let python else { return [:] }
    log("peer: \(script) \(args.joined(separator: " "))")
    do {
        let r = try run(python, [root + "/Benchmarks/peers/" + script] + args, cwd: root + "/Benchmarks/peers")
        guard r.status == 0, let obj = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any] else {
            notes.append("peer \(script) failed: \(r.stderr.split(separator: "\n").suffix(3).joined(separator: " | "))")
            return [:]
        }
        return obj
    } catch {
        notes.append("peer \(script) failed: \(error)")
        return [:]
    }
}

func peerSeries(_ obj: [String: Any], _ key: String, scale: Double = 1) -> Series? {
    guard let entry = obj[key] as? [String: Any], let times = entry["times"] as? [Double] else { return nil }
    return Series(samples: times.map { $0 * scale }, unit: "s", cpu: (entry["cpu"] as? [Double])?.map { $0 * scale })
}

func peerExtra(_ obj: [String: Any], _ key: String, _ field: String) -> Any? {
    ((obj[key] as? [String: Any])?["extra"] as? [String: Any])?[field]
}

let repeats = quick ? 3 : 9
let start = now()

// MARK: - Engine workloads

let scalarSizes: [(String, Int)] = quick ? [("10k", 10_000), ("100k", 100_000)]
    : [("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000)]

// micrograd first (so its numbers are ready for the rows).
let evalScriptPath = resultsDir + "/eval-10k.graph"
try Scripts.eval10k().write(toFile: evalScriptPath, atomically: true, encoding: .utf8)
let applesPath = resultsDir + "/apples.graph"
try (Scripts.apples + "\n").write(toFile: applesPath, atomically: true, encoding: .utf8)

var microgradPeer: [String: Any] = [:]
if python != nil && (wanted("scalar") || wanted("eval") || wanted("frames") || wanted("big")) {
    var args = ["--eval-script", evalScriptPath]
    if quick { args.append("--quick") }
    if !(wanted("frames") || wanted("big")) { args.append("--skip-figures") }
    microgradPeer = runPeer("micrograd_peer.py", args)
}

if wanted("scalar") {
    for (label, n) in scalarSizes {
        let batch = ScalarMLP.batch(forNodes: n)
        let nodes = ScalarMLP.runTape(batch: batch)
        let r = n >= 1_000_000 ? (quick ? 2 : 5) : repeats
        log("scalar tape \(label): \(nodes) nodes")
        let t = timed(measure(repeats: r) { ScalarMLP.runTape(batch: batch) })
        let peerNodes = peerExtra(microgradPeer, "scalar-\(label)", "nodes") as? Int
        var row = Row(id: "scalar-\(label)",
                      workload: "scalar engine: MLP(2,[16,16,1]) build+forward+backward, \(nodes) nodes",
                      ours: rate(nodes, t),
                      peerName: "micrograd (GC off)",
                      peer: peerSeries(microgradPeer, "scalar-\(label)").map { rate(peerNodes ?? nodes, $0) },
                      goal: n >= 100_000 ? .throughput(20e6, nodes: nodes) : .none)
        row.note = "time \(formatSeconds(t.min)) / \(formatSeconds(t.median))"
        rows.append(row)
    }
    if let gcOn = peerSeries(microgradPeer, "scalar-100k-gc"), let nodes = peerExtra(microgradPeer, "scalar-100k-gc", "nodes") as? Int {
        notes.append(String(format: "micrograd with Python's GC on, 100k nodes: %.0f k nodes/s (median)", Double(nodes) / gcOn.median / 1e3))
    }
    // The general teaching engine on the same graph, for scale.
    let batch = ScalarMLP.batch(forNodes: 100_000)
    let nodes = ScalarMLP.runGraph(batch: batch)
    let t = timed(measure(repeats: quick ? 2 : 5) { ScalarMLP.runGraph(batch: batch) })
    var row = Row(id: "graph-100k", workload: "general Graph (tensors + edge records), same MLP, \(nodes) nodes",
                  ours: rate(nodes, t), peerName: "micrograd (GC off)",
                  peer: rows.first { $0.id == "scalar-100k" }?.peer, goal: .none)
    row.note = "for scale: what `chainrule eval` uses"
    rows.append(row)
}

if wanted("rss") {
    let n = quick ? 100_000 : 1_000_000
    var ours: Series? = nil, peer: Series? = nil
    do {
        let r = try run(executableDirectory() + "/chainrule-bench", ["--child", "rss-tape", String(n)])
        let f = String(decoding: r.stdout, as: UTF8.self).split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if f.count == 2 { ours = Series(samples: [f[1] / f[0]], unit: "B/node") }
    } catch { notes.append("rss child failed: \(error)") }
    if python != nil {
        let obj = runPeer("micrograd_peer.py", ["rss", String(n)])
        if let e = obj["rss"] as? [String: Any], let nodes = e["nodes"] as? Double ?? (e["nodes"] as? Int).map(Double.init),
           let bytes = e["bytes"] as? Double ?? (e["bytes"] as? Int).map(Double.init) {
            peer = Series(samples: [bytes / nodes], unit: "B/node")
        }
    }
    rows.append(Row(id: "rss-\(n >= 1_000_000 ? "1M" : "100k")",
                    workload: "peak RSS growth, one \(n >= 1_000_000 ? "1M" : "100k")-node scalar graph (build+backward)",
                    ours: ours, peerName: "micrograd", peer: peer, goal: .bytesPerNode(250)))
}

if wanted("eval") {
    // In process: compile (parse included) + forward + backward.
    let source = Array(try String(contentsOfFile: evalScriptPath, encoding: .utf8).utf8)
    var nodes = 0
    let inProcess = try measure(repeats: repeats) {
        let script = try ScriptCompiler.compile(source, fileName: "eval-10k.graph")
        let pass = try script.evaluate()
        nodes = script.graph.nodes.count
        blackHole(pass)
    }
    let peer = peerSeries(microgradPeer, "eval-10k")
    var row = Row(id: "eval-10k-lib", workload: "10k-statement script: compile + forward + backward in process (\(nodes) nodes)",
                  ours: timed(inProcess), peerName: "micrograd build+backward", peer: peer, goal: .speedup(3))
    row.note = "library call"
    rows.append(row)
    if let bin = chainruleBinary {
        let out = resultsDir + "/eval-10k.json"
        let t = try measure(repeats: repeats) {
            let r = try run(bin, ["eval", evalScriptPath, "--json"], stdoutTo: out)
            if r.status != 0 { throw BenchError("chainrule eval failed: \(r.stderr)") }
        }
        rows.append(Row(id: "eval-10k", workload: "`chainrule eval --json` of a 10k-statement scalar script, whole process",
                        ours: timed(t), peerName: "micrograd build+backward", peer: peer, goal: .speedup(1)))
    } else {
        notes.append("eval-10k: no chainrule binary next to chainrule-bench (build it: swift build -c release --product chainrule)")
    }
}

if wanted("twolayer") {
    var numpy: [String: Any] = [:]
    if python != nil { numpy = runPeer("numpy_peer.py", quick ? ["--quick"] : []) }
    var net = try TwoLayerNet(root: root)
    let before = try net.currentLoss()
    let block = 20
    let t = try measure(repeats: quick ? 5 : 15, warmup: 2) { for _ in 0..<block { try net.sgdStep() } }
    let after = try net.currentLoss()
    var row = Row(id: "twolayer-sgd", workload: "two-layer net 64→50→10, batch 100, digits: one SGD iteration",
                  ours: timed(t, scale: 1 / Double(block)), peerName: "NumPy",
                  peer: peerSeries(numpy, "twolayer-sgd"), goal: .atMost(0.6))
    row.note = String(format: "loss %.3f → %.3f", before, after)
    rows.append(row)
    let tn = try measure(repeats: quick ? 1 : 3, warmup: quick ? 0 : 1) { blackHole(try net.numericalGradient()) }
    rows.append(Row(id: "twolayer-numgrad", workload: "two-layer net: full numerical gradient (3,760 parameters × 2 forward passes)",
                    ours: timed(tn), peerName: "NumPy", peer: peerSeries(numpy, "twolayer-numgrad"),
                    goal: .speedup(2)))
    if let info = numpy["_numpy"] as? [String: Any] {
        notes.append("NumPy \(info["version"] ?? "?") with \(info["blas"] ?? "?")")
    }
}

// MARK: - Figure workloads

/// micrograd's one-figure script, whole process (figure-cli's peer; export-apples compares with it too).
nonisolated(unsafe) var microgradFigure: Series? = nil

if wanted("figure") {
    if let bin = chainruleBinary {
        let out = resultsDir + "/apples.svg"
        let t = try measure(repeats: repeats) {
            let r = try run(bin, ["draw", applesPath, "-o", out])
            if r.status != 0 { throw BenchError("chainrule draw failed: \(r.stderr)") }
        }
        let ours = timed(t)
        var peer: Series? = nil
        if let python {
            let pout = resultsDir + "/apples-micrograd.svg"
            peer = timed(try measure(repeats: repeats) {
                let r = try run(python, [root + "/Benchmarks/peers/micrograd_figure.py", pout], cwd: root + "/Benchmarks/peers")
                if r.status != 0 { throw BenchError("micrograd_figure.py failed: \(r.stderr)") }
            })
        }
        microgradFigure = peer
        rows.append(Row(id: "figure-cli", workload: "one figure from the command line (apples → SVG), whole process",
                        ours: ours, peerName: "micrograd draw_dot", peer: peer, goal: .speedup(5)))
    } else {
        notes.append("figure-cli: no chainrule binary next to chainrule-bench")
    }
}

/// Lays out once and renders `frames` step frames; seconds per frame (layout included).
@MainActor func framesPerFrame(_ figure: Figure, frames count: Int) throws -> Series {
    let frames = Figures.stepFrames(figure, count: count)
    return timed(try measure(repeats: repeats) {
        let layout = try FigureLayout(figure)
        for f in frames { blackHole(try layout.render(f)) }
    }, scale: 1 / Double(count))
}

if wanted("frames") {
    let apples = try Figures.figure(Scripts.apples, name: "apples.graph")
    var row = Row(id: "frames-apples", workload: "20 step frames of the apples graph (layout once + 20 renders), per frame",
                  ours: try framesPerFrame(apples, frames: 20),
                  peerName: "micrograd draw_dot", peer: peerSeries(microgradPeer, "frames-apples"), goal: .speedup(30))
    row.note = "\(Figures.graphvizNodes(apples.dot())) Graphviz nodes (micrograd: \(peerExtra(microgradPeer, "frames-apples", "graphviz_nodes") ?? "?"))"
    rows.append(row)
    let mlpSource = Scripts.mlp(inputs: [2, -1], sizes: [4, 4, 1])
    try mlpSource.write(toFile: resultsDir + "/mlp-2-4-4-1.graph", atomically: true, encoding: .utf8)
    // Like for like with draw_dot: the graph as laid out, not tightened for a
    // slide (this figure reads at 4.2 px, so a lesson lays it out twice and
    // draws the tighter one; that cost is in the note).
    let mlp = try Figures.figure(mlpSource, name: "mlp.graph", options: Figures.unfitted)
    row = Row(id: "frames-mlp", workload: "20 step frames of micrograd's MLP(2,[4,4,1]) graph, per frame, not fitted to a slide",
              ours: try framesPerFrame(mlp, frames: 20),
              peerName: "micrograd draw_dot", peer: peerSeries(microgradPeer, "frames-mlp"), goal: .speedup(10))
    let fitted = try framesPerFrame(try Figures.figure(mlpSource, name: "mlp.graph"), frames: 20)
    row.note = "\(Figures.graphvizNodes(mlp.dot())) Graphviz nodes (micrograd: \(peerExtra(microgradPeer, "frames-mlp", "graphviz_nodes") ?? "?")); "
        + "fitted to a slide as a lesson draws it (second layout, tighter figure): \(formatSeconds(fitted.min)) / \(formatSeconds(fitted.median))"
    rows.append(row)
    // Full layout per frame, for comparison: what layout-once saves.
    let full = try measure(repeats: quick ? 2 : 5) { blackHole(try mlp.render()) }
    notes.append("MLP(2,[4,4,1]) figure with a full dot layout every time: \(formatSeconds(full.median)) per figure (median)")
}

if wanted("big") {
    let source = Scripts.mlp(inputs: [0.5, -1, 2, 0.25], sizes: [16, 16, 1])
    try source.write(toFile: resultsDir + "/mlp-4-16-16-1.graph", atomically: true, encoding: .utf8)
    let big = try Figures.figure(source, name: "big.graph")
    // The DOT `Figure.render` lays out: with the layout tuning `FigureBudget`
    // chooses for its size (`fast` here), so `dot` does the same work.
    let dotText = big.dot(tuning: FigureBudget(big).tuning)
    let dotPath = resultsDir + "/big.dot"
    try dotText.write(toFile: dotPath, atomically: true, encoding: .utf8)
    let r = quick ? 1 : 3
    let ours = timed(try measure(repeats: r, warmup: quick ? 0 : 1) { blackHole(try big.render(format: .svg)) })
    var peer: Series? = nil
    if let dotBinary {
        peer = timed(try measure(repeats: r, warmup: quick ? 0 : 1) {
            let p = try run(dotBinary, ["-Tsvg", dotPath], stdoutTo: resultsDir + "/big-dot.svg")
            if p.status != 0 { throw BenchError("dot failed: \(p.stderr)") }
        })
    }
    var row = Row(id: "big-graph", workload: "one ~2,000-node graph (MLP(4,[16,16,1])): layout + SVG in process",
                  ours: ours, peerName: "`dot -Tsvg` on our DOT", peer: peer, goal: .atMost(1.1))
    let mg = peerSeries(microgradPeer, "big-graph")
    row.note = "\(Figures.graphvizNodes(dotText)) Graphviz nodes; micrograd draw_dot (\(peerExtra(microgradPeer, "big-graph", "graphviz_nodes") ?? "?") nodes): \(mg.map { formatSeconds($0.median) } ?? "—")"
    rows.append(row)
}

if wanted("rss") {
    // RSS over many renders: must stay flat (no leak in the Graphviz wrapper).
    let apples = try Figures.figure(Scripts.apples, name: "apples.graph")
    let layout = try FigureLayout(apples)
    let frames = Figures.stepFrames(apples, count: 20)
    let total = quick ? 2_000 : 10_000
    var samples: [Int] = []
    for i in 0..<total {
        blackHole(try layout.render(frames[i % frames.count]))
        if (i + 1) % 1000 == 0 { samples.append(procStatus("VmRSS")) }
    }
    let growth = Double(samples.last! - samples.first!)
    var row = Row(id: "rss-renders", workload: "RSS over \(total) renders (growth after the first 1,000)",
                  ours: Series(samples: [growth], unit: "bytes"), peerName: "—", peer: nil, goal: .flat(1_048_576))
    row.note = "RSS " + samples.map { String(format: "%.1f", Double($0) / 1_048_576) }.joined(separator: ", ") + " MiB"
    rows.append(row)
}

if wanted("export") {
    if let bin = chainruleBinary {
        // Whole `chainrule export` processes into a fresh folder each run; per frame = time ÷ the frames it reports.
        var runs = 0
        func export(_ lessons: [String]) throws -> Int {
            runs += 1
            let dir = resultsDir + "/export-run-\(runs)"
            try? FileManager.default.removeItem(atPath: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let r = try run(bin, ["export"] + lessons + ["-o", dir, "--quiet"])
            let text = String(decoding: r.stdout, as: UTF8.self) + r.stderr
            guard r.status == 0, let m = text.firstMatch(of: /([0-9]+) frames/), let frames = Int(m.1) else {
                throw BenchError("chainrule export failed: \(text.suffix(300))")
            }
            return frames
        }
        var frames = 0
        let apples = try measure(repeats: repeats) { frames = try export(["apples"]) }
        if microgradFigure == nil, let python {
            let pout = resultsDir + "/apples-micrograd.svg"
            microgradFigure = timed(try measure(repeats: repeats) {
                let r = try run(python, [root + "/Benchmarks/peers/micrograd_figure.py", pout], cwd: root + "/Benchmarks/peers")
                if r.status != 0 { throw BenchError("micrograd_figure.py failed: \(r.stderr)") }
            })
        }
        var row = Row(id: "export-apples", workload: "`chainrule export apples` (frames SVG, figures SVG + PDF, slideshow), whole process, per frame",
                      ours: timed(apples, scale: 1 / Double(max(frames, 1))), peerName: "micrograd one-figure script (whole process)",
                      peer: microgradFigure, goal: .speedup(20))
        row.note = "\(frames) frames; whole process \(formatSeconds(apples.minimum)) / \(formatSeconds(apples.median))"
        rows.append(row)
        let all = try measure(repeats: quick ? 1 : 3, warmup: quick ? 0 : 1) { frames = try export([]) }
        row = Row(id: "export-all", workload: "`chainrule export` of every lesson (training included), whole process, per frame",
                  ours: timed(all, scale: 1 / Double(max(frames, 1))), peerName: "—", peer: nil, goal: .within(0.005))
        row.note = "\(frames) frames; whole process \(formatSeconds(all.minimum)) / \(formatSeconds(all.median))"
        rows.append(row)
    } else {
        notes.append("export: no chainrule binary next to chainrule-bench")
    }
}

// MARK: - Report

func ratioText(_ r: Row) -> String {
    guard let x = r.ratio, x.isFinite else { return "—" }
    switch r.goal {
    case .atMost: return String(format: "%.2f×", x)
    default: return String(format: "%.1f×", x)
    }
}

var table = "| workload | ChainRule (min / median) | peer | peer (min / median) | ratio | CPU ratio | goal | met |\n"
table += "|---|---|---|---|---|---|---|---|\n"
for r in rows {
    let met = r.met.map { $0 ? "yes" : "**no**" } ?? "—"
    let note = r.note.isEmpty ? "" : " <br>_\(r.note)_"
    let cpu = r.cpuRatio.map { String(format: r.goal.isAtMost ? "%.2f×" : "%.1f×", $0) } ?? "—"
    table += "| `\(r.id)` \(r.workload)\(note) | \(cell(r.ours)) | \(r.peerName) | \(cell(r.peer)) | \(ratioText(r)) | \(cpu) | \(r.goalText) | \(met) |\n"
}
print(table)
print("ratio = peer median ÷ ChainRule median of wall-clock time (for `≤ N×` goals: ChainRule ÷ peer, met only when the minimums' ratio meets it too); CPU ratio = the same from CPU time (user + system, child processes included); throughput cells are max / median.")
for n in notes { print("- " + n) }
print(String(format: "total %.1f s%@", now() - start, quick ? " (--quick)" : ""))

// JSON
struct Report: Encodable {
    var date: String
    var quick: Bool
    var machine: [String: String]
    var rows: [Row]
    var notes: [String]
}
func machine() -> [String: String] {
    var m: [String: String] = [:]
    if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
       let line = cpu.split(separator: "\n").first(where: { $0.hasPrefix("model name") }) {
        m["cpu"] = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    m["cores"] = String(ProcessInfo.processInfo.activeProcessorCount)
    m["memory"] = String(format: "%.1f GiB", Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824)
    m["graphviz"] = Graphviz.version
    return m
}
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
let report = Report(date: ISO8601DateFormatter().string(from: Date()), quick: quick, machine: machine(), rows: rows, notes: notes)
try encoder.encode(report).write(to: URL(fileURLWithPath: jsonPath))
try table.write(toFile: resultsDir + "/latest.md", atomically: true, encoding: .utf8)
log("wrote \(jsonPath)")
