import ChainRule
import Foundation
import Testing

/// Checking gradients in your own tests: backprop against central
/// differences, and against the derivative worked out by hand.
@Suite struct NeuronGradientTests {
    /// loss = sum(sigmoid(W @ x + b)²) for a small layer.
    func layer() throws -> (graph: Graph, loss: NodeID, z: NodeID, b: NodeID) {
        var g = Graph()
        let W = g.leaf("W", Tensor(rows: [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]))
        let x = g.leaf("x", [1, 2, -1])
        let b = g.leaf("b", [0.1, -0.2])
        let z = try g.apply(.add, try g.apply(.matmul, W, x), b, name: "z")
        let a = try g.apply(.sigmoid, z, name: "a")
        let loss = try g.apply(.sum(axis: nil), try g.apply(.square, a), name: "loss")
        return (g, loss, z, b)
    }

    @Test func everyLeafMatchesCentralDifferences() throws {
        let (graph, loss, _, _) = try layer()
        let checks = try GradientCheck.compare(output: loss, in: graph)
        #expect(checks.count == 3)
        for check in checks {
            #expect(check.passed, "\(graph[check.leaf].name!): max abs error \(check.maxAbsoluteError)")
        }
    }

    @Test func biasGradientIsTheHandDerivedOne() throws {
        let (graph, loss, z, b) = try layer()
        let pass = try graph.forward().backward(from: loss)
        // ∂loss/∂b = 2 σ(z) · σ(z)(1 − σ(z)), elementwise.
        let expected = pass.forward.value(of: z).map { z in
            let s = 1 / (1 + exp(-z))
            return 2 * s * s * (1 - s)
        }
        let tolerance = 1e-12
        for (got, want) in zip(pass.gradient(of: b)!.scalars, expected.scalars) {
            #expect(abs(got - want) <= tolerance)
        }
    }
}
