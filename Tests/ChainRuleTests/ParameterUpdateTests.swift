import Testing
@testable import ChainRule

/// `Graph.descend` and `Graph.update`: a training step in place, the same
/// numbers as copying the value out, changing it and setting it back.
@Suite struct ParameterUpdateTests {
    private func graph() -> (Graph, NodeID, Tensor) {
        var g = Graph()
        let w = g.leaf("W", Tensor(rows: [[0.5, -1.25, 2], [0.1, 0.2, -0.3]]))
        let grad = Tensor(rows: [[1, -2, 0.5], [3.5, 0, -0.7]])
        return (g, w, grad)
    }

    @Test func descendIsTheCopyingStep() {
        var (g, w, grad) = graph()
        var copied = g.initialValues[w.index]!
        for i in 0..<copied.count { copied.scalars[i] -= 0.1 * grad.scalars[i] }
        g.descend(w, along: grad, learningRate: 0.1)
        #expect(g.initialValues[w.index]! == copied)
        // Hand-checked elements.
        #expect(g.initialValues[w.index]![0, 0] == 0.5 - 0.1 * 1)
        #expect(g.initialValues[w.index]![1, 2] == -0.3 - 0.1 * -0.7)
    }

    @Test func updateTakesAnyRule() {
        var (g, w, grad) = graph()
        var (h, v, _) = graph()
        g.update(w, with: grad) { p, d in p -= 0.25 * d }
        h.descend(v, along: grad, learningRate: 0.25)
        #expect(g.initialValues[w.index]! == h.initialValues[v.index]!)
        g.update(w, with: grad) { p, d in p = d * d }
        #expect(g.initialValues[w.index]!.scalars == grad.scalars.map { $0 * $0 })
    }

    @Test func inPlaceWhenTheGraphHoldsTheOnlyCopy() {
        var (g, w, grad) = graph()
        let before = g.initialValues[w.index]!.scalars.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        g.descend(w, along: grad, learningRate: 0.1)
        let after = g.initialValues[w.index]!.scalars.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        #expect(before == after)
    }

    @Test func aForwardPassStillAliveKeepsItsValues() throws {
        var (g, w, grad) = graph()
        let y = try g.apply(.sum(axis: nil), w)
        let pass = try g.forward()
        g.descend(w, along: grad, learningRate: 1)
        // The pass saw the old value; the graph has the new one.
        #expect(pass.value(of: w) == graph().0.initialValues[w.index]!)
        #expect(try g.forward().value(of: y).scalar == g.initialValues[w.index]!.sum)
    }
}
