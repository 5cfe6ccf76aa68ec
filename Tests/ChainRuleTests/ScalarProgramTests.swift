@testable import ChainRule
import Foundation
import TestSupport
import Testing

/// The scalar path (`ScalarProgram`: a scalar graph's passes over flat
/// arrays of numbers) must give the general path's values and gradients
/// bit for bit — the sign of a zero and infinities included — and the same
/// edge records, on every elementwise operation.
@Suite struct ScalarProgramTests {
    /// The same bits, or both NaN.
    static func same(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    /// Runs `graph` both ways and compares every value, gradient and edge record.
    static func expectBothPathsAgree(_ graph: Graph, output: NodeID, _ context: String,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(graph.scalarProgram != nil, "\(context): not on the scalar path", sourceLocation: sourceLocation)
        let fast = try graph.forward(scalarPath: true).backward(from: output)
        let general = try graph.forward(scalarPath: false).backward(from: output)
        #expect(fast.forward.scalarValues != nil && fast.scalarGradients != nil, sourceLocation: sourceLocation)
        #expect(general.forward.scalarValues == nil && general.scalarGradients == nil, sourceLocation: sourceLocation)
        for node in graph.nodes {
            let i = node.id.index
            let (fv, gv) = (fast.forward.scalarValues![i], general.forward.values[i].scalar)
            #expect(same(fv, gv), "\(context): value of \(node.id): scalar path \(fv), general \(gv)", sourceLocation: sourceLocation)
            #expect(same(fast.forward.values[i].scalar, gv) && same(fast.forward.value(of: node.id).scalar, gv),
                    sourceLocation: sourceLocation)
            let (fg, gg) = (fast.scalarGradients![i], general.gradients[i]!.scalar)
            #expect(same(fg, gg), "\(context): gradient of \(node.id): scalar path \(fg), general \(gg)", sourceLocation: sourceLocation)
            #expect(same(fast.gradients[i]!.scalar, gg) && same(fast.gradient(of: node.id)!.scalar, gg),
                    sourceLocation: sourceLocation)
            #expect(fast.forward.values[i].shape == [] && fast.gradients[i]!.shape == [], sourceLocation: sourceLocation)
        }
        // Compared as text: NaN is not equal to itself, but prints the same (and −0 as −0.0).
        #expect("\(fast.edges)" == "\(general.edges)", "\(context): edge records differ", sourceLocation: sourceLocation)
        #expect("\(fast.sums)" == "\(general.sums)", "\(context): gradient sums differ", sourceLocation: sourceLocation)
        #expect(!general.edges.isEmpty || graph.nodes[output.index].operation == nil, sourceLocation: sourceLocation)
    }

    static let unary: [ChainRule.Operation] = [.identity, .neg, .exp, .log, .recip, .square, .sqrt, .sigmoid, .relu, .tanh, .abs,
                                     .pow(0), .pow(1), .pow(2), .pow(-1), .pow(0.5), .pow(3),
                                     .leakyRelu(slope: 0.01), .clip(lo: -1, hi: 2)]
    static let binary: [ChainRule.Operation] = [.add, .sub, .mul, .div, .maximum, .minimum, .power]
    static let points: [Double] = [-1000, -2.5, -1, -0.3, -0.0, 0, 0.3, 1, 2.5, 1000, .infinity, -.infinity, .nan]

    @Test func everyOperationAgrees() throws {
        for op in Self.unary { for x in Self.points { for seed in [1.0, -0.0, -2] {
            var g = Graph()
            let a = g.leaf("a", Tensor(x))
            let y = try g.apply(op, a)
            let fast = try g.forward().backward(from: y, seed: Tensor(seed))
            let general = try g.forward(scalarPath: false).backward(from: y, seed: Tensor(seed))
            #expect(Self.same(fast.scalarGradients![0], general.gradients[0]!.scalar), "\(op)(\(x)) seed \(seed)")
            try Self.expectBothPathsAgree(g, output: y, "\(op)(\(x))")
        }}}
        for op in Self.binary { for x in Self.points { for z in Self.points {
            var g = Graph()
            let a = g.leaf("a", Tensor(x)), b = g.leaf("b", Tensor(z))
            let y = try g.apply(op, a, b)
            let twice = try g.apply(op, a, a)   // the same operand twice: contributions add
            try Self.expectBothPathsAgree(g, output: y, "\(x) \(op) \(z)")
            try Self.expectBothPathsAgree(g, output: twice, "\(x) \(op) \(x)")
        }}}
    }

    @Test func negativeZeroGradientsKeepTheirSign() throws {
        // relu'(−1) · 1 = 0 · 1 = +0, but 1 · (−0) = −0: a first contribution
        // of −0 must stay −0 (added to an initial +0 it would become +0).
        var g = Graph()
        let x = g.leaf("x", -0.0)
        let y = try g.apply(.mul, x, g.leaf("w", 2))
        let pass = try g.forward().backward(from: y, seed: Tensor(-0.0))
        #expect(pass.scalarGradients![x.index].sign == .minus)
        try Self.expectBothPathsAgree(g, output: y, "-0")
    }

    @Test func randomScalarGraphsAgree() {
        for seed in TestSeed.seeds(count: 300, for: "ScalarProgramTests.randomScalarGraphsAgree") {
            var rng = SplitMix64(seed: seed)
            let (graph, output) = RandomScalarGraph.make(&rng, operations: Self.unary + Self.binary)
            do { try Self.expectBothPathsAgree(graph, output: output, "seed \(seed)") } catch { Issue.record("seed \(seed): \(error)") }
        }
    }

    @Test func gradientsWithRespectToAgree() throws {
        for seed in TestSeed.seeds(count: 50, for: "ScalarProgramTests.gradientsWithRespectToAgree") {
            var rng = SplitMix64(seed: seed)
            let (graph, output) = RandomScalarGraph.make(&rng, operations: Self.unary + Self.binary)
            let leaves = graph.leaves
            let fast = try graph.forward().gradients(from: output, withRespectTo: leaves)
            let general = try graph.forward(scalarPath: false).gradients(from: output, withRespectTo: leaves)
            for (a, b) in zip(fast, general) { #expect(Self.same(a.scalar, b.scalar) && a.shape == b.shape, "seed \(seed)") }
        }
    }

    @Test func leafValuesAreReadAtEachPass() throws {
        var g = Graph()
        let x = g.leaf("x", 3)
        let y = try g.apply(.square, x)
        #expect(try g.forward().value(of: y).scalar == 9)
        g.setValue(-2, of: x)
        #expect(try g.forward().value(of: y).scalar == 4)
        g.descend(x, along: Tensor(1), learningRate: 1)
        let pass = try g.forward().backward(from: y)
        #expect(pass.forward.value(of: y).scalar == 9 && pass.gradient(of: x)!.scalar == -6)
    }

    @Test func leavingThePathKeepsEarlierRules() throws {
        // Scalar nodes first (their rules not stored), then a vector: the
        // general path must find the earlier nodes' rules.
        var g = Graph()
        let a = g.leaf("a", 2)
        let b = try g.apply(.pow(2), a)
        let c = try g.apply(.exp, try g.apply(.mul, b, g.constant(0.5)))
        #expect(g.scalarProgram != nil)
        let v = g.leaf("v", [1, 2])
        #expect(g.scalarProgram == nil)
        let loss = try g.apply(.sum(axis: nil), try g.apply(.mul, c, v))
        let pass = try g.forward().backward(from: loss)
        #expect(pass.forward.scalarValues == nil)
        let e2 = Foundation.exp(2.0)
        #expect(abs(pass.forward.value(of: loss).scalar - 3 * e2) < 1e-12)
        // ∂L/∂a = sum(v) · exp(a²/2) · a
        #expect(abs(pass.gradient(of: a)!.scalar - 3 * e2 * 2) < 1e-12)
        #expect(pass.gradient(of: v)!.scalars == [e2, e2])
        for comparison in try GradientCheck.compare(output: loss, in: g) { #expect(comparison.passed) }
    }

    @Test func onlyAllScalarGraphsTakeThePath() throws {
        var g = Graph()
        let a = g.leaf("a", 2)
        _ = try g.apply(.exp, a)
        #expect(g.scalarProgram?.count == 2)
        var vector = g
        _ = vector.leaf("v", [1, 2])
        #expect(vector.scalarProgram == nil)
        var data = g
        _ = data.leaf("t", 1, isData: true)
        #expect(data.scalarProgram == nil)
        var reduction = g
        _ = try reduction.apply(.sum(axis: nil), a)
        #expect(reduction.scalarProgram == nil)
        #expect(try reduction.forward().scalarValues == nil)
        #expect(g.scalarProgram?.count == 2)   // copies are independent
    }
}
