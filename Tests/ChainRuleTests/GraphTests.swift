import ChainRule
import Testing

/// Whole graphs: the seeds' examples, fan-out records, targets, expansion.
@Suite struct GraphTests {
    @Test func applesAfterBackward() throws {
        var g = Graph()
        let apple = g.leaf("apple", 100), n = g.leaf("n", 2), tax = g.leaf("tax", 1.1)
        let price = try g.apply(.mul, apple, n, name: "price")
        let total = try g.apply(.mul, price, tax, name: "total")
        let pass = try g.forward().backward(from: total)
        expectClose(pass.forward.value(of: total), Tensor(220), tolerance: 1e-9)
        expectClose(pass.gradient(of: apple), Tensor(2.2), tolerance: 1e-12)
        expectClose(pass.gradient(of: n), Tensor(110), tolerance: 1e-9)
        expectClose(pass.gradient(of: tax), Tensor(200))
        expectClose(pass.gradient(of: price), Tensor(1.1))
        // The edge record into `apple`: local 2 (the other input) × upstream 1.1 = 2.2.
        let edge = try #require(pass.edges(into: apple).first)
        #expect(edge.local == .elementwise(Tensor(2)))
        expectClose(edge.upstream, Tensor(1.1))
        expectClose(edge.contribution, Tensor(2.2), tolerance: 1e-12)
        #expect(pass.sums.isEmpty)
    }

    @Test func fanOutGradientsAdd() throws {
        // y = x * x + x at x = 3: ∂y/∂x = 3 + 3 + 1 = 7, three contributions summed.
        var g = Graph()
        let x = g.leaf("x", 3)
        let sq = try g.apply(.mul, x, x)
        let y = try g.apply(.add, sq, x, name: "y")
        let pass = try g.forward().backward(from: y)
        expectClose(pass.gradient(of: x), Tensor(7))
        let sum = try #require(pass.sums.first { $0.node == x })
        #expect(sum.edges.map { pass.edges[$0].contribution } == [Tensor(3), Tensor(3), Tensor(1)])
        expectClose(sum.total, Tensor(7))
    }

    @Test func reluNeuron() throws {
        // x = [1, −2, 3], w = [−3, −1, 2], b = 1: relu(w·x + b) = relu(−3 + 2 + 6 + 1) = 6
        var g = Graph()
        let x = g.leaf("x", [1, -2, 3]), w = g.leaf("w", [-3, -1, 2]), b = g.leaf("b", 1)
        let z = try g.apply(.add, try g.apply(.matmul, w, x), b)
        let y = try g.apply(.relu, z, name: "y")
        let pass = try g.forward().backward(from: y)
        expectClose(pass.forward.value(of: y), Tensor(6))
        expectClose(pass.gradient(of: w), Tensor(vector: [1, -2, 3]))
        expectClose(pass.gradient(of: x), Tensor(vector: [-3, -1, 2]))
        expectClose(pass.gradient(of: b), Tensor(1))
    }

    @Test func dezeroSquareExpSquare() throws {
        var g = Graph()
        let x = g.leaf("x", 0.5)
        let y = try g.apply(.square, try g.apply(.exp, try g.apply(.square, x)), name: "y")
        let pass = try g.forward().backward(from: y)
        expectClose(pass.gradient(of: x), Tensor(3.297442541400256), tolerance: 1e-14)
        let numeric = try GradientCheck.numericalGradient(of: y, withRespectTo: x, in: g)
        expectClose(numeric, Tensor(3.297442541400256), tolerance: 1e-8)
    }

    @Test func targetsGetNoGradientAndUnusedLeavesGetZeros() throws {
        var g = Graph()
        let z = g.leaf("z", [1, 2, 3]), t = g.leaf("t", 1), unused = g.leaf("u", [[1, 2]].first.map { Tensor(vector: $0) }!)
        let l = try g.apply(.softmaxCrossEntropy, z, t)
        let pass = try g.forward().backward(from: l)
        #expect(pass.gradient(of: t) == nil)
        #expect(pass.gradient(of: unused) == .zeros([2]))
    }

    @Test func nonScalarOutputSeedsWithOnes() throws {
        var g = Graph()
        let x = g.leaf("x", [1, 2])
        let y = try g.apply(.mul, x, g.constant(3))
        let pass = try g.forward().backward(from: y)
        expectClose(pass.gradient(of: x), Tensor(vector: [3, 3]))
    }

    @Test func expandedFusedOpsHaveEqualGradients() throws {
        var g = Graph()
        let x = g.leaf("x", Tensor(rows: [[0.5, -1, 2], [3, 0, -0.25]]))
        let t = g.leaf("t", [2, 0])
        let s = try g.apply(.sigmoid, x)
        let sm = try g.apply(.softmax, s)
        let w = try g.apply(.mul, sm, x)
        let l = try g.apply(.softmaxCrossEntropy, w, t, name: "L")
        let fused = try g.forward().backward(from: l)
        let (e, map) = g.expanded()
        #expect(e.nodes.count > g.nodes.count)
        #expect(e.nodes.allSatisfy { !($0.operation?.isFused ?? false) })
        let expanded = try e.forward().backward(from: map[l.index])
        expectClose(expanded.forward.value(of: map[l.index]), fused.forward.value(of: l), tolerance: 1e-6)
        expectClose(expanded.gradient(of: map[x.index]), fused.gradient(of: x)!, tolerance: 1e-6)
        #expect(e[map[l.index]].name == "L")
    }

    @Test func gradientCheckFlagsAWrongGradient() throws {
        // relu at its kink: backprop says 0 (relu'(0) = 0), central differences say 0.5.
        var g = Graph()
        let x = g.leaf("x", 0)
        let y = try g.apply(.relu, x)
        let result = try GradientCheck.compare(output: y, in: g)
        #expect(result.count == 1)
        #expect(result[0].passed == false)
        #expect(abs(result[0].maxAbsoluteError - 0.5) < 1e-9)
    }
}
