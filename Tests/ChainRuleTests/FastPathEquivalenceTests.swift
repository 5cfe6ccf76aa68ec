import Testing
@testable import ChainRule

/// The numerical gradient that recomputes only the downstream nodes (and
/// only a row or column of a product that reads the leaf) against the
/// definition: a whole forward pass per evaluation — the same bits.
/// And the backward pass restricted to some nodes against the full pass.
@Suite struct FastPathEquivalenceTests {
    /// Central differences with a full forward pass per evaluation.
    private func referenceGradient(of output: NodeID, withRespectTo leaf: NodeID, in graph: Graph,
                                   step h: Double) throws -> Tensor {
        var g = graph
        let x = graph.initialValues[leaf.index]!
        var out = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[i] += h
            minus.scalars[i] -= h
            g.setValue(plus, of: leaf)
            let fp = try g.forward().value(of: output).sum
            g.setValue(minus, of: leaf)
            let fm = try g.forward().value(of: output).sum
            out[i] = (fp - fm) / (2 * h)
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    private func matrix(_ r: Int, _ c: Int, _ rng: inout SplitMix64) -> Tensor {
        Tensor(shape: [r, c], scalars: (0..<r * c).map { _ in Double(rng.next() % 2001) / 1000 - 1 })
    }

    /// A two-layer net (x @ W1 + b1 → relu → @ W2 + b2 → softmax cross-entropy),
    /// plus a leaf used on both sides of a product and a product of a leaf with
    /// a value computed from it (where the row/column shortcut must not apply).
    /// With `sparse`, a third of `x` is 0 (as blank pixels are): a perturbed
    /// `W1` entry then changes only some rows (`RowRecomputation`).
    private func net(dataX: Bool = false, sparse: Bool = false) throws -> (Graph, loss: NodeID, other: NodeID, leaves: [NodeID]) {
        var rng = SplitMix64(seed: 11)
        var g = Graph()
        var xs = matrix(7, 5, &rng)
        if sparse { for i in stride(from: 0, to: xs.count, by: 3) { xs.scalars[i] = 0 } }
        let x = g.leaf("x", xs, isData: dataX)
        let t = g.leaf("t", Tensor(vector: [0, 2, 1, 3, 2, 0, 1]))
        let w1 = g.leaf("W1", matrix(5, 6, &rng)), b1 = g.leaf("b1", Tensor(vector: (0..<6).map { Double($0) / 10 - 0.2 }))
        let w2 = g.leaf("W2", matrix(6, 4, &rng)), b2 = g.leaf("b2", Tensor(vector: [0.1, -0.1, 0.2, 0]))
        let h = try g.apply(.relu, try g.apply(.add, try g.apply(.matmul, x, w1), b1))
        let z = try g.apply(.add, try g.apply(.matmul, h, w2), b2)
        let loss = try g.apply(.softmaxCrossEntropy, z, t)
        let s = g.leaf("S", matrix(4, 4, &rng))
        let ss = try g.apply(.matmul, s, s)
        let other = try g.apply(.sum(axis: nil), try g.apply(.matmul, s, try g.apply(.tanh, ss)))
        return (g, loss, other, [x, w1, b1, w2, b2, s])
    }

    @Test(arguments: [false, true])
    func downstreamNumericalGradientEqualsFullForwardPasses(sparse: Bool) throws {
        let (g, loss, other, leaves) = try net(sparse: sparse)
        for output in [loss, other] {
            for leaf in leaves {
                let fast = try GradientCheck.numericalGradient(of: output, withRespectTo: leaf, in: g, step: 1e-4)
                let reference = try referenceGradient(of: output, withRespectTo: leaf, in: g, step: 1e-4)
                #expect(fast == reference, "\(g[leaf].name ?? "?") → \(output)")
            }
        }
    }

    /// The softmax cross-entropy's forward pass saves the softmax for its
    /// backward pass: the loss and the gradient are the bits of the
    /// definitions computed apart (log-softmax for the loss, the softmax
    /// computed again for `(y − t) / N`).
    @Test func savedSoftmaxGivesTheSameBits() throws {
        let (g, loss, _, _) = try net()
        let forward = try g.forward()
        let z = g[loss].inputs[0], t = g[loss].inputs[1]
        let zv = forward.value(of: z), tv = try SoftmaxAndLoss.oneHot(forward.value(of: t), like: forward.value(of: z))
        let saved = try #require(forward.saved[loss.index])
        #expect(saved == SoftmaxAndLoss.softmax(zv))
        let logSoftmax = SoftmaxAndLoss.logSoftmax(zv)
        var s = 0.0
        for i in 0..<zv.count where tv.scalars[i] != 0 { s += tv.scalars[i] * logSoftmax.scalars[i] }
        #expect(forward.value(of: loss).scalar == -s / Double(zv.rows))
        // The backward step with the saved softmax, and without it (recomputed).
        let inputs = [zv, forward.value(of: t)], y = forward.value(of: loss)
        for seed in [Tensor(1), Tensor(0.5)] {
            let withSaved = Operation.softmaxCrossEntropy.backward(inputs, y, seed, rule: g.rule(at: loss.index)!, saved: saved)
            let recomputed = Operation.softmaxCrossEntropy.backward(inputs, y, seed)
            #expect(withSaved[0]!.contribution == recomputed[0]!.contribution)
            #expect(withSaved[0]!.local == recomputed[0]!.local)
            #expect(withSaved[1] == nil && recomputed[1] == nil)
        }
        #expect(forward.backward(from: loss).gradient(of: z)! == Operation.softmaxCrossEntropy.backward(inputs, y, Tensor(1))[0]!.contribution)
        // Graphs without such an operation save nothing.
        var plain = Graph()
        let a = plain.leaf("a", Tensor(vector: [1, 2]))
        _ = try plain.apply(.sum(axis: nil), try plain.apply(.mul, a, a))
        #expect(try plain.forward().saved.isEmpty)
    }

    /// Class-index targets used as indices give the bits of their one-hot tensor.
    @Test func classIndicesGiveTheOneHotBits() throws {
        var rng = SplitMix64(seed: 7)
        for (rows, classes) in [(1, 1), (1, 3), (5, 10), (100, 10), (7, 2)] {
            let z = Tensor(shape: [rows, classes], scalars: (0..<rows * classes).map { _ in Double(rng.next() % 2001) / 50 - 20 })
            let t = Tensor(shape: [rows], scalars: (0..<rows).map { _ in Double(rng.next() % UInt64(classes)) })
            let labels = try #require(try SoftmaxAndLoss.classIndices(t, like: z))
            let oneHot = try SoftmaxAndLoss.oneHot(t, like: z)
            let (a, ya) = SoftmaxAndLoss.softmaxCrossEntropy(z, labels: labels)
            let (b, yb) = SoftmaxAndLoss.softmaxCrossEntropy(z, oneHot)
            #expect(a.bitPattern == b.bitPattern && ya == yb, "\(rows)×\(classes)")
            #expect(SoftmaxAndLoss.softmaxCrossEntropyDerivative(softmax: ya, labels: labels).scalars.map(\.bitPattern)
                    == SoftmaxAndLoss.softmaxCrossEntropyDerivative(softmax: ya, oneHot).scalars.map(\.bitPattern))
            // Through the operation: index targets and one-hot targets, forward and backward.
            let byIndex = Operation.softmaxCrossEntropy.backward([z, t], Tensor(a), Tensor(1))
            let byOneHot = Operation.softmaxCrossEntropy.backward([z, oneHot], Tensor(b), Tensor(1))
            #expect(byIndex[0]!.contribution == byOneHot[0]!.contribution)
        }
        // One-hot targets are not indices; bad labels are refused as before.
        let z = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try SoftmaxAndLoss.classIndices(Tensor(shape: [2, 3], scalars: [0, 0, 1, 1, 0, 0]), like: z) == nil)
        #expect(throws: OperationFailure.self) { try SoftmaxAndLoss.classIndices(Tensor(vector: [0, 3]), like: z) }
        #expect(throws: OperationFailure.self) { try SoftmaxAndLoss.classIndices(Tensor(vector: [0.5, 1]), like: z) }
    }

    @Test func restrictedBackwardEqualsFullBackward() throws {
        let (g, loss, other, leaves) = try net()
        let forward = try g.forward()
        for output in [loss, other] {
            let full = forward.backward(from: output)
            for wanted in [Array(leaves.dropFirst()), [leaves[2]], leaves] {
                let grads = forward.gradients(from: output, withRespectTo: wanted)
                for (id, grad) in zip(wanted, grads) {
                    #expect(grad == full.gradient(of: id)!, "\(g[id].name ?? "?")")
                }
            }
        }
    }

    /// With `x` a data leaf the pass skips `∂L/∂x` (the `G · W1ᵀ` product);
    /// every other gradient is unchanged.
    @Test func dataLeafSkipsItsGradientOnly() throws {
        let (g, loss, _, leaves) = try net()
        let (d, dLoss, _, dLeaves) = try net(dataX: true)
        let full = try g.forward().backward(from: loss), data = try d.forward().backward(from: dLoss)
        #expect(data.gradient(of: dLeaves[0]) == nil)
        for (a, b) in zip(leaves.dropFirst(), dLeaves.dropFirst()) {
            #expect(full.gradient(of: a) == data.gradient(of: b))
        }
        for node in g.nodes where !node.isData && node.id != leaves[0] {
            #expect(full.gradient(of: node.id) == data.gradient(of: node.id), "\(node.id)")
        }
    }
}
