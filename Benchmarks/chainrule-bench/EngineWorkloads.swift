import ChainRule
import Foundation
import GraphScript

/// Workload helpers on the engine's deterministic generator, so every run builds the same graphs.
typealias Rng = SplitMix64
extension SplitMix64 {
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double {
        let u = max(uniform(0, 1), 1e-300), v = uniform(0, 1)
        return (-2 * Double.log(u)).squareRoot() * Double.cos(2 * .pi * v)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

// MARK: - The scalar MLP, node for node as micrograd builds it

/// What the MLP builder needs from an engine.
protocol ScalarEngine {
    associatedtype Ref
    mutating func leaf(_ x: Double) -> Ref
    mutating func add(_ a: Ref, _ b: Ref) -> Ref
    mutating func mul(_ a: Ref, _ b: Ref) -> Ref
    mutating func relu(_ a: Ref) -> Ref
    mutating func square(_ a: Ref) -> Ref   // micrograd's `** 2`
}

extension ScalarTape: ScalarEngine {
    mutating func add(_ a: Variable, _ b: Variable) -> Variable { apply(.add, a, b) }
    mutating func mul(_ a: Variable, _ b: Variable) -> Variable { apply(.mul, a, b) }
    mutating func relu(_ a: Variable) -> Variable { apply(.relu, a) }
    mutating func square(_ a: Variable) -> Variable { pow(a, 2) }
}

/// The general teaching engine, scalar by scalar.
struct GraphEngine: ScalarEngine {
    var graph = Graph()
    mutating func leaf(_ x: Double) -> NodeID { graph.leaf(nil, Tensor(x)) }
    mutating func add(_ a: NodeID, _ b: NodeID) -> NodeID { try! graph.apply(.add, a, b) }
    mutating func mul(_ a: NodeID, _ b: NodeID) -> NodeID { try! graph.apply(.mul, a, b) }
    mutating func relu(_ a: NodeID) -> NodeID { try! graph.apply(.relu, a) }
    mutating func square(_ a: NodeID) -> NodeID { try! graph.apply(.pow(2), a) }
}

enum ScalarMLP {
    /// micrograd's MLP(2, [16, 16, 1]).
    static let sizes = [2, 16, 16, 1]
    /// Values per sample (inputs, target, 3 layers, loss, running sum) and
    /// parameters + the `0` that Python's `sum` starts from.
    static let perSample = 648, fixed = 338

    /// The batch that makes a graph of about `nodes` nodes.
    static func batch(forNodes nodes: Int) -> Int { max(1, Int((Double(nodes - fixed) / Double(perSample)).rounded())) }

    /// Builds micrograd's MLP(2, [16, 16, 1]) on `batch` random samples, the
    /// sum of squared errors, exactly as micrograd does (same nodes, same
    /// order: `b + w0·x0 + w1·x1 …`, `relu`, `s + y·(−1)`, `** 2`,
    /// `0 + l0 + l1 …`). Values are computed as nodes are added. Returns the loss.
    static func build<E: ScalarEngine>(_ e: inout E, batch: Int, seed: UInt64 = 0) -> E.Ref {
        var rng = Rng(seed: seed)
        // layer → neuron → (weights, bias); micrograd: w ~ U(−1, 1), b = 0.
        var layers: [[(w: [E.Ref], b: E.Ref)]] = []
        for l in 0..<(sizes.count - 1) {
            layers.append((0..<sizes[l + 1]).map { _ in
                let w = (0..<sizes[l]).map { _ in e.leaf(rng.uniform(-1, 1)) }
                return (w, e.leaf(0))
            })
        }
        var total: E.Ref? = nil
        var h: [E.Ref] = []
        h.reserveCapacity(16)
        for _ in 0..<batch {
            h.removeAll(keepingCapacity: true)
            h.append(e.leaf(rng.uniform(-1, 1)))
            h.append(e.leaf(rng.uniform(-1, 1)))
            let y = e.leaf(rng.uniform(0, 1) < 0.5 ? 1 : -1)
            for (l, layer) in layers.enumerated() {
                let last = l == layers.count - 1
                let inputs = h
                h.removeAll(keepingCapacity: true)
                for neuron in layer {
                    var act = neuron.b
                    for i in 0..<inputs.count { act = e.add(act, e.mul(neuron.w[i], inputs[i])) }
                    h.append(last ? act : e.relu(act))
                }
            }
            // (s − y) ** 2, where micrograd's `s − y` is `s + y * (−1)`.
            let minusOne = e.leaf(-1)
            let loss = e.square(e.add(h[0], e.mul(y, minusOne)))
            if let t = total { total = e.add(t, loss) } else { total = e.add(loss, e.leaf(0)) }
        }
        return total!
    }

    /// Build + forward (eager) + backward on the scalar tape; returns the node count.
    @discardableResult
    static func runTape(batch: Int, reserve: Bool = true) -> Int {
        var tape = ScalarTape(capacity: reserve ? fixed + perSample * batch : 0)
        let loss = build(&tape, batch: batch)
        tape.backward(from: loss)
        blackHole(tape.gradient(of: ScalarTape.Variable(0)))
        return tape.count
    }

    /// Build + forward + backward (with edge records) on the general `Graph`.
    @discardableResult
    static func runGraph(batch: Int) -> Int {
        var e = GraphEngine()
        let loss = build(&e, batch: batch)
        let pass = try! e.graph.forward().backward(from: loss)
        blackHole(pass.gradients.count)
        return e.graph.nodes.count
    }
}

// MARK: - Peak RSS of one big tape, measured in a child process

enum RSSChild {
    /// `chainrule-bench --child rss-tape N`: builds and differentiates an
    /// N-node tape and prints `nodes bytes` (peak RSS growth). Other kinds
    /// (`time-tape N R`, `time-graph N R`, `twolayer-sgd N`,
    /// `twolayer-forward N`, `eval N [FILE]`) time one workload alone, for
    /// `perf stat` and `valgrind --tool=callgrind`.
    static func run(_ args: [String]) -> Never {
        let kind = args.first ?? "rss-tape"
        let n = args.count > 1 ? Int(args[1]) ?? 1_000_000 : 1_000_000
        let batch = ScalarMLP.batch(forNodes: n)
        if kind == "twolayer-sgd" || kind == "twolayer-forward" || kind == "twolayer-numgrad" {
            // For profilers: N SGD iterations (or N forward passes, or N full numerical gradients).
            do {
                var net = try TwoLayerNet(root: packageRoot())
                let t0 = now()
                for _ in 0..<n {
                    switch kind {
                    case "twolayer-sgd": try net.sgdStep()
                    case "twolayer-numgrad": blackHole(try net.numericalGradient())
                    default: blackHole(try net.graph.forward())
                    }
                }
                print(kind, formatSeconds((now() - t0) / Double(n)), "each")
            } catch { print("error: \(error)"); exit(1) }
            exit(0)
        }
        if kind == "eval" {
            // For profilers: compile + evaluate a script file N times.
            do {
                let path = args.count > 2 ? args[2] : packageRoot() + "/Benchmarks/results/eval-10k.graph"
                let source = Array(try String(contentsOfFile: path, encoding: .utf8).utf8)
                let t0 = now()
                for _ in 0..<n { blackHole(try ScriptCompiler.compile(source, fileName: "eval.graph").evaluate()) }
                print(kind, formatSeconds((now() - t0) / Double(n)), "each")
            } catch { print("error: \(error)"); exit(1) }
            exit(0)
        }
        if kind == "time-tape" || kind == "time-graph" {
            // For profilers (perf stat, callgrind): R timed runs, one line each.
            let r = args.count > 2 ? Int(args[2]) ?? 5 : 5
            for _ in 0..<r {
                let t0 = now()
                let nodes = kind == "time-graph" ? ScalarMLP.runGraph(batch: batch) : ScalarMLP.runTape(batch: batch)
                let dt = now() - t0
                print(nodes, formatSeconds(dt), String(format: "%.1f M nodes/s", Double(nodes) / dt / 1e6))
            }
            exit(0)
        }
        let before = procStatus("VmRSS")
        let nodes = kind == "rss-graph" ? ScalarMLP.runGraph(batch: batch) : ScalarMLP.runTape(batch: batch)
        let peak = procStatus("VmHWM")
        print(nodes, peak - before)
        exit(0)
    }
}

// MARK: - Two-layer network 64 → 50 → 10 on digits

struct TwoLayerNet {
    var graph = Graph()
    let x: NodeID, t: NodeID, w1: NodeID, b1: NodeID, w2: NodeID, b2: NodeID, loss: NodeID
    let data: [Double], labels: [Double], samples: Int
    var batches: [[Int]] = []
    var step = 0

    /// Affine → ReLU → Affine → softmax-with-loss, weights ~ 0.01·N(0, 1), as
    /// Deep Learning from Scratch's TwoLayerNet (ch. 5).
    init(root: String, batch: Int = 100) throws {
        let text = try String(contentsOfFile: root + "/Lessons/data/digits.csv", encoding: .utf8)
        var data: [Double] = [], labels: [Double] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map { Double($0)! }
            data += f[0..<64].map { $0 / 16 }
            labels.append(f[64])
        }
        self.data = data
        self.labels = labels
        samples = labels.count
        var rng = Rng(seed: 0)
        func randn(_ r: Int, _ c: Int) -> Tensor {
            Tensor(shape: [r, c], scalars: (0..<r * c).map { _ in 0.01 * rng.normal() })
        }
        for _ in 0..<64 {
            var idx = Array(0..<samples)
            for i in 0..<batch { idx.swapAt(i, i + rng.int(samples - i)) }
            batches.append(Array(idx[0..<batch]))
        }
        x = graph.leaf("x", .zeros([batch, 64]), isData: true)
        t = graph.leaf("t", .zeros([batch]), isData: true)
        w1 = graph.leaf("W1", randn(64, 50))
        b1 = graph.leaf("b1", .zeros([50]))
        w2 = graph.leaf("W2", randn(50, 10))
        b2 = graph.leaf("b2", .zeros([10]))
        let a1 = try graph.apply(.add, try graph.apply(.matmul, x, w1), b1)
        let h = try graph.apply(.relu, a1)
        let z = try graph.apply(.add, try graph.apply(.matmul, h, w2), b2)
        loss = try graph.apply(.softmaxCrossEntropy, z, t, name: "L")
        loadBatch(0)
    }

    mutating func loadBatch(_ k: Int) {
        let idx = batches[k % batches.count]
        // The batch's rows gathered (NumPy's `x_all[idx]`).
        let xs = [Double](unsafeUninitializedCapacity: idx.count * 64) { out, count in
            data.withUnsafeBufferPointer { d in
                for (r, i) in idx.enumerated() {
                    (out.baseAddress! + r * 64).initialize(from: d.baseAddress! + i * 64, count: 64)
                }
            }
            count = idx.count * 64
        }
        graph.setValue(Tensor(shape: [idx.count, 64], scalars: xs), of: x)
        graph.setValue(Tensor(shape: [idx.count], scalars: idx.map { labels[$0] }), of: t)
    }

    /// One SGD iteration: next batch, forward, backward, `p -= 0.1 · ∂L/∂p`.
    mutating func sgdStep() throws {
        step += 1
        loadBatch(step)
        // The parameters' gradients only, as the NumPy side computes (`x` is data: no ∂L/∂x).
        let params = [w1, b1, w2, b2]
        let grads = try graph.forward().gradients(from: loss, withRespectTo: params)
        for (p, g) in zip(params, grads) { graph.descend(p, along: g, learningRate: 0.1) }
    }

    /// Central differences for every parameter (3,760 of them, two forward passes each).
    func numericalGradient() throws -> [Tensor] {
        try [w1, b1, w2, b2].map { p throws(EvaluationError) in
            try GradientCheck.numericalGradient(of: loss, withRespectTo: p, in: graph, step: 1e-4)
        }
    }

    /// The current loss.
    func currentLoss() throws -> Double { try graph.forward().value(of: loss).scalar }
}
