import ChainRule
import TestSupport
import Testing

/// Property: on random graphs — random shapes with broadcasting, fan-out,
/// matrix products, reductions and losses — backprop agrees with central
/// finite differences for every leaf.
@Suite struct RandomGraphPropertyTests {
    /// Central differences with h = 1e-5 on smooth functions of moderate size.
    static let tolerance = GradientCheck.Tolerance(absolute: 1e-5, relative: 1e-4)

    @Test func backpropMatchesFiniteDifferences() {
        for seed in TestSeed.seeds(count: 150, for: "backpropMatchesFiniteDifferences") {
            var rng = SplitMix64(seed: seed)
            let (graph, output) = RandomGraph.make(&rng)
            do {
                let comparisons = try GradientCheck.compare(output: output, in: graph, tolerance: Self.tolerance)
                #expect(!comparisons.isEmpty)
                for c in comparisons {
                    #expect(c.passed, "seed \(seed): leaf \(graph[c.leaf].name ?? "?") backprop \(c.backprop) vs numerical \(c.numerical)\n\(RandomGraph.describe(graph))")
                }
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func expandedGraphsHaveEqualGradients() {
        for seed in TestSeed.seeds(count: 100, for: "expandedGraphsHaveEqualGradients") {
            var rng = SplitMix64(seed: seed)
            let (graph, output) = RandomGraph.make(&rng)
            guard let fused = try? graph.forward().backward(from: output) else { continue }
            // softmax_cross_entropy expands to cross_entropy(softmax(z), t), whose
            // log(p + 1e-7) shifts the gradient by about 1e-7/p — not an error, so
            // it is compared on well-conditioned inputs in GraphTests instead.
            let (e, map) = graph.expanded(where: { $0.operation != .softmaxCrossEntropy })
            guard let expanded = try? e.forward().backward(from: map[output.index]) else {
                Issue.record("seed \(seed): expanded graph failed"); continue
            }
            for leaf in graph.leaves {
                guard let a = fused.gradient(of: leaf), let b = expanded.gradient(of: map[leaf.index]) else { continue }
                for (x, y) in zip(a.scalars, b.scalars) {
                    #expect(abs(x - y) <= 1e-5 + 1e-4 * abs(x), "seed \(seed)")
                }
            }
        }
    }
}

/// Helpers on the engine's deterministic generator, so that a seed reproduces a graph.
extension SplitMix64 {
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func double(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

enum RandomGraph {
    static let shapes: [[Int]] = [[], [3], [2, 3], [1, 3], [2, 1], [3, 2]]

    /// Builds a random graph of 2–4 leaves and 4–10 operations; returns it and its output.
    static func make(_ rng: inout SplitMix64) -> (Graph, NodeID) {
        var g = Graph()
        var pool: [NodeID] = []
        for i in 0..<(2 + rng.int(3)) {
            let shape = rng.pick(shapes)
            let count = shape.reduce(1, *)
            // Stay away from relu's kink at 0.
            let values = (0..<count).map { _ in
                let v = rng.double(0.1, 1.5)
                return rng.int(2) == 0 ? v : -v
            }
            pool.append(g.leaf("x\(i)", Tensor(shape: shape, scalars: values)))
        }
        for _ in 0..<(4 + rng.int(7)) {
            // Prefer recent nodes, but reuse older ones too: that makes fan-out.
            let a = pool[max(0, pool.count - 1 - rng.int(3))]
            let b = rng.pick(pool)
            if let node = try? step(&g, &rng, a, b) { pool.append(node) }
        }
        var out = pool.last!
        if rng.int(3) == 0, g[out].shape.count > 0 {
            // Finish with a loss against a target of class indices.
            let shape = g[out].shape
            let labels = (0..<(shape.count == 2 ? shape[0] : 1)).map { _ in Double(rng.int(shape.last!)) }
            let t = g.leaf("t", shape.count == 2 ? Tensor(vector: labels) : Tensor(labels[0]))
            let op: Operation = rng.int(2) == 0 ? .softmaxCrossEntropy : .crossEntropy
            let input = op == .crossEntropy ? (try? g.apply(.softmax, out)) ?? out : out
            if let l = try? g.apply(op, input, t) { out = l }
        }
        return (g, out)
    }

    private static func step(_ g: inout Graph, _ rng: inout SplitMix64, _ a: NodeID, _ b: NodeID) throws -> NodeID {
        let one = { (g: inout Graph) in g.constant(1) }
        switch rng.int(16) {
        case 0: return try g.apply(.add, a, b)
        case 1: return try g.apply(.sub, a, b)
        case 2: return try g.apply(.mul, a, b)
        case 3: // a / (1 + b²): a denominator away from zero
            return try g.apply(.div, a, try g.apply(.add, one(&g), try g.apply(.square, b)))
        case 4: return try g.apply(.matmul, a, b)
        case 5: return try g.apply(.tanh, a)
        case 6: return try g.apply(.sigmoid, a)
        case 7: return try g.apply(.exp, try g.apply(.tanh, a))
        case 8: return try g.apply(.log, try g.apply(.add, one(&g), try g.apply(.square, a)))
        case 9: return try g.apply(.sqrt, try g.apply(.add, one(&g), try g.apply(.square, a)))
        case 10: return try g.apply(.recip, try g.apply(.add, g.constant(2), try g.apply(.sigmoid, a)))
        case 11: return try g.apply(.softmax, a)
        case 12: return try g.apply(.transpose, a)
        case 13: return try g.apply(rng.int(2) == 0 ? .sum(axis: rng.int(2)) : .mean(axis: rng.int(2)), a)
        case 14: return try g.apply(.pow(Double(rng.int(4)) - 1), try g.apply(.add, g.constant(2), try g.apply(.tanh, a)))
        default: return try g.apply(.neg, a)
        }
    }

    static func describe(_ g: Graph) -> String {
        g.nodes.map { n in
            let what: String
            switch n.kind {
            case .leaf: what = "leaf \(n.name ?? "") = \(g.initialValues[n.id.index]!)"
            case .constant: what = "const \(g.initialValues[n.id.index]!)"
            case .operation(let op): what = "\(op.scriptName)(\(n.inputs.map(\.description).joined(separator: ", ")))"
            }
            return "\(n.id) \(describeShape(n.shape)): \(what)"
        }.joined(separator: "\n")
    }
}
