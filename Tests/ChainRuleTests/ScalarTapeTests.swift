import ChainRule
import TestSupport
import Testing

/// The scalar tape must be the same engine as `Graph`, only smaller: same
/// values, same gradients, bit for bit, on the same scalar graphs.
@Suite struct ScalarTapeTests {
    /// Equal, or both NaN.
    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    /// Compares every node's value and gradient of a scalar graph with the tape built from it.
    static func expectSame(_ graph: Graph, output: NodeID, _ context: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let pass = try graph.forward().backward(from: output)
        guard var tape = ScalarTape(graph) else {
            Issue.record("graph is not scalar", sourceLocation: sourceLocation); return
        }
        #expect(tape.count == graph.nodes.count, sourceLocation: sourceLocation)
        tape.backward(from: ScalarTape.Variable(output.index))
        for node in graph.nodes {
            let v = ScalarTape.Variable(node.id.index)
            let gv = pass.forward.value(of: node.id).scalar
            let gg = pass.gradient(of: node.id)!.scalar
            #expect(same(tape.value(of: v), gv), "\(context): value of \(node.id): tape \(tape.value(of: v)) graph \(gv)",
                    sourceLocation: sourceLocation)
            #expect(same(tape.gradient(of: v), gg), "\(context): gradient of \(node.id): tape \(tape.gradient(of: v)) graph \(gg)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func handComputedNeuron() {
        // micrograd's README neuron: o = tanh(x1·w1 + x2·w2 + b).
        var t = ScalarTape()
        let x1 = t.leaf(2), x2 = t.leaf(0), w1 = t.leaf(-3), w2 = t.leaf(1), b = t.leaf(6.8813735870195432)
        let n = t.apply(.add, t.apply(.add, t.apply(.mul, x1, w1), t.apply(.mul, x2, w2)), b)
        let o = t.apply(.tanh, n)
        t.backward(from: o)
        #expect(abs(t.value(of: o) - 0.7071067811865476) < 1e-12)
        #expect(abs(t.gradient(of: x1) - -1.5) < 1e-9)
        #expect(abs(t.gradient(of: w1) - 1.0) < 1e-9)
        #expect(abs(t.gradient(of: x2) - 0.5) < 1e-9)
        #expect(t.gradient(of: w2) == 0)
        #expect(t.operands(of: o) == [n])
        #expect(t.op(of: o) == .tanh)
    }

    @Test func forwardRecomputesAfterSetValue() {
        var t = ScalarTape()
        let x = t.leaf(3)
        let y = t.pow(t.apply(.add, x, t.leaf(1)), 2)
        #expect(t.value(of: y) == 16)
        t.setValue(-1, of: x)
        t.forward()
        #expect(t.value(of: y) == 0)
        t.backward(from: y)
        #expect(t.gradient(of: x) == 0)
        #expect(t.exponent(of: y) == 2)
    }

    @Test func everyOperationMatchesGraph() throws {
        let unary: [Operation] = [.identity, .neg, .exp, .log, .recip, .square, .sqrt, .sigmoid, .relu, .tanh,
                                  .pow(0), .pow(1), .pow(2), .pow(-1), .pow(0.5), .pow(3)]
        let binary: [Operation] = [.add, .sub, .mul, .div]
        let points: [Double] = [-1000, -2.5, -1, -0.3, 0, 0.3, 1, 2.5, 1000, .infinity, -.infinity, .nan]
        for op in unary { for x in points {
            var g = Graph()
            let a = g.leaf("a", Tensor(x))
            let y = try g.apply(op, a)
            try Self.expectSame(g, output: y, "\(op)(\(x))")
        }}
        for op in binary { for x in points { for z in points {
            var g = Graph()
            let a = g.leaf("a", Tensor(x)), b = g.leaf("b", Tensor(z))
            let y = try g.apply(op, a, b)
            try Self.expectSame(g, output: y, "\(x) \(op) \(z)")
        }}}
    }

    @Test func randomScalarGraphsMatchGraph() {
        for seed in TestSeed.seeds(count: 300, for: "randomScalarGraphsMatchGraph") {
            var rng = SplitMix64(seed: seed)
            let (graph, output) = RandomScalarGraph.make(&rng)
            do { try Self.expectSame(graph, output: output, "seed \(seed)") } catch { Issue.record("seed \(seed): \(error)") }
        }
    }

    /// micrograd's MLP(3, [4, 4, 1]) on four samples with a squared-error loss,
    /// built once as a `Graph` and once directly on a tape.
    @Test func microgradMLPMatchesGraph() throws {
        var rng = SplitMix64(seed: 7)
        let sizes = [3, 4, 4, 1]
        var weights: [[[Double]]] = []   // layer → neuron → [w…, b]
        for l in 0..<(sizes.count - 1) {
            weights.append((0..<sizes[l + 1]).map { _ in (0...sizes[l]).map { _ in rng.double(-1, 1) } })
        }
        let xs: [[Double]] = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]
        let ys: [Double] = [1, -1, -1, 1]

        // The same construction, generic over the engine.
        func build<Ref>(leaf: (Double) -> Ref, op: (Operation, Ref, Ref?) -> Ref) -> Ref {
            let params = weights.map { $0.map { $0.map(leaf) } }
            var total: Ref? = nil
            for (x, y) in zip(xs, ys) {
                var h = x.map(leaf)
                for (l, layer) in params.enumerated() {
                    h = layer.map { neuron in
                        var act = neuron.last!
                        for (w, xi) in zip(neuron.dropLast(), h) { act = op(.add, act, op(.mul, w, xi)) }
                        return l == params.count - 1 ? act : op(.tanh, act, nil)
                    }
                }
                let diff = op(.sub, h[0], leaf(y))
                let loss = op(.pow(2), diff, nil)
                total = total.map { op(.add, $0, loss) } ?? loss
            }
            return total!
        }

        var graph = Graph()
        let gOut = build(leaf: { graph.leaf(nil, Tensor($0)) },
                         op: { o, a, b in try! graph.apply(o, b.map { [a, $0] } ?? [a]) })
        var tape = ScalarTape()
        let tOut = build(leaf: { tape.leaf($0) },
                         op: { o, a, b in b.map { tape.apply(o, a, $0) } ?? tape.apply(o, a) })
        #expect(tape.count == graph.nodes.count)
        #expect(Int(tOut.index) == gOut.index)
        // Built directly, the tape agrees with the graph node for node…
        let pass = try graph.forward().backward(from: gOut)
        tape.backward(from: tOut)
        for node in graph.nodes {
            let v = ScalarTape.Variable(node.id.index)
            #expect(Self.same(tape.value(of: v), pass.forward.value(of: node.id).scalar))
            #expect(Self.same(tape.gradient(of: v), pass.gradient(of: node.id)!.scalar))
        }
        // …and so does the tape copied from the graph.
        try Self.expectSame(graph, output: gOut, "MLP")
        // The gradient is a real one: one SGD step lowers the loss.
        let before = tape.value(of: tOut)
        for i in 0..<tape.count where tape.op(of: ScalarTape.Variable(i)) == .leaf {
            let v = ScalarTape.Variable(i)
            tape.setValue(tape.value(of: v) - 0.01 * tape.gradient(of: v), of: v)
        }
        tape.forward()
        #expect(tape.value(of: tOut) < before)
    }

    @Test func copiesAreIndependent() {
        var a = ScalarTape(capacity: 1)
        let x = a.leaf(2)
        let y = a.apply(.square, x)
        var b = a                      // shares storage until one of them changes
        b.setValue(3, of: x)
        b.forward()
        for _ in 0..<100 { b.leaf(1) }  // grows b's storage, not a's
        #expect(a.value(of: y) == 4 && b.value(of: y) == 9)
        #expect(a.count == 2 && b.count == 102)
        a.backward(from: y)
        #expect(a.gradient(of: x) == 4 && b.gradient(of: x) == 0)
        #expect(a.values == [2, 4] && a.gradients == [4, 1] && b.gradients.count == 102)
    }

    @Test func nonScalarGraphsAreRejected() throws {
        var g = Graph()
        let v = g.leaf("v", [1, 2, 3])
        _ = try g.apply(.sum(axis: nil), v)
        #expect(ScalarTape(g) == nil)
    }
}

enum RandomScalarGraph {
    /// 1–4 leaves and 3–40 elementwise operations with fan-out; some nodes
    /// after the output (which must get gradient 0).
    static func make(_ rng: inout SplitMix64) -> (Graph, NodeID) {
        make(&rng, operations: [.identity, .neg, .exp, .log, .recip, .square, .sqrt, .sigmoid, .relu, .tanh,
                                .pow(2), .pow(-1), .pow(0), .pow(0.5), .add, .sub, .mul, .div])
    }

    /// The same, drawing operations from `ops`.
    static func make(_ rng: inout SplitMix64, operations ops: [Operation]) -> (Graph, NodeID) {
        var g = Graph()
        var pool: [NodeID] = []
        for i in 0..<(1 + rng.int(4)) {
            let v = rng.double(0.1, 2)
            pool.append(g.leaf("x\(i)", Tensor(rng.int(2) == 0 ? v : -v)))
        }
        let n = 3 + rng.int(38)
        var output: NodeID? = nil
        for k in 0..<n {
            let op = rng.pick(ops)
            let a = pool[max(0, pool.count - 1 - rng.int(3))]
            let b = rng.pick(pool)
            let node: NodeID
            if rng.int(8) == 0 { pool.append(g.constant(Tensor(rng.double(-2, 2)))) }
            if op.arity == 2 { node = try! g.apply(op, a, b) } else { node = try! g.apply(op, a) }
            pool.append(node)
            if k == n - 1 - min(2, n / 4) { output = node }
        }
        return (g, output ?? pool.last!)
    }
}
