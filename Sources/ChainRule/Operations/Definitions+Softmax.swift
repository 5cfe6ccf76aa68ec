// Softmax, log-softmax and the cross-entropy losses, all along the last
// axis and numerically stable (the maximum is subtracted first). The loops
// are in Kernels.swift (`SoftmaxAndLoss`).

extension OperationDefinition {
    /// Fused: expands to `exp(x) / Σ exp(x)` along the last axis.
    static let softmax = OperationDefinition(
        name: "softmax", symbol: "softmax", call: .init("softmax", reserved: true, .softmax),
        text: .init("softmax along the last axis", forward: "y = exp(x) / Σ exp(x), per row",
                    local: [.init("J = diag({y}) − {y}·{y}ᵀ", "softmax mixes its inputs: the local derivative is a Jacobian matrix, one per row")],
                    expansion: "exp → Σ along the last axis → ÷"),
        rule: .tensor(TensorRule(
            shape: { s in s[0] },
            forward: { x, _ in SoftmaxAndLoss.softmax(x[0]) },
            // ∂L/∂x = y ⊙ (G − Σ(G ⊙ y)) along the last axis: diag(y) − y yᵀ applied to G.
            backward: { _, y, g in [OperandGradient(local: .rule("diag(y) − y yᵀ"), contribution: SoftmaxAndLoss.softmaxBackward(y: y, g: g))] })),
        expansion: { g, x throws(ShapeError) in
            let e = try g.apply(.exp, x[0])
            let lastAxis = g[x[0]].shape.count - 1
            if lastAxis < 0 { return try g.apply(.div, e, e) }
            let s = try g.apply(.sum(axis: lastAxis, keepDims: true), e)
            return try g.apply(.div, e, s)
        })

    /// `x − max − log Σ exp(x − max)` along the last axis.
    static let logSoftmax = OperationDefinition(
        name: "log_softmax", symbol: "log softmax", call: .init("log_softmax", .logSoftmax),
        text: .init("log-softmax along the last axis", forward: "y = x − log Σ exp(x), per row",
                    local: [.init("I − softmax({a!}) per row", "each input pushes its own output up and every output of its row down by its softmax share")]),
        rule: .tensor(TensorRule(
            shape: { s in s[0] },
            forward: { x, _ in SoftmaxAndLoss.logSoftmax(x[0]) },
            // ∂L/∂x = G − softmax(x) · ΣG along the last axis; softmax(x) = exp(y).
            backward: { _, y, g in [OperandGradient(local: .rule("I − softmax(x)"), contribution: SoftmaxAndLoss.logSoftmaxBackward(y: y, g: g))] })))

    /// `−Σ t · log(p + 1e-7) / N`; `t` is a target (one-hot, a distribution or class indices).
    static let crossEntropy = OperationDefinition(
        name: "cross_entropy", symbol: "CE", arity: 2, target: 1,
        call: .init("cross_entropy", signature: "cross_entropy(p, t)", reserved: true, .crossEntropy),
        text: .init("cross-entropy", forward: "y = −Σ t·log(p + 1e−7) / N", expression: "CE({a!}, {b!})",
                    local: [.init("−t/({a!} + 1e−7)/N")]),
        // y = −Σ t·log(p + 1e-7) / N beside ∂y/∂p = −t / (p + 1e-7) / N.
        rule: loss("cross_entropy", SoftmaxAndLoss.crossEntropy, SoftmaxAndLoss.crossEntropyDerivative))

    /// Fused and stable (log-softmax, no 1e-7); backward `(softmax(z) − t) / N`,
    /// from the softmax its forward pass saved.
    static let softmaxCrossEntropy = OperationDefinition(
        name: "softmax_cross_entropy", symbol: "softmax+CE", arity: 2, target: 1,
        call: .init("softmax_cross_entropy", signature: "softmax_cross_entropy(z, t)", reserved: true, .softmaxCrossEntropy),
        text: .init("softmax then cross-entropy", forward: "y = −Σ t·log softmax(z) / N", expression: "softmax_CE({a!}, {b!})",
                    local: [.init("(softmax({a!}) − {b!})/N", "softmax followed by cross-entropy collapses to (y − t)/N")],
                    expansion: "softmax (exp → Σ → ÷) → cross-entropy"),
        // y = −Σ t·log_softmax(z) / N beside ∂y/∂z = (softmax(z) − t) / N. The
        // forward pass computes softmax(z) on the way and saves it for the
        // backward pass, as DLfS's SoftmaxWithLoss keeps `self.y`.
        rule: .tensor(TensorRule(
            shape: { s throws(ShapeError) in try lossShape("softmax_cross_entropy", s) },
            // Class-index targets are used as indices (no one-hot tensor built): the same bits.
            saving: { x, _ throws(OperationFailure) in
                if let labels = try SoftmaxAndLoss.classIndices(x[1], like: x[0]) {
                    let (loss, y) = SoftmaxAndLoss.softmaxCrossEntropy(x[0], labels: labels)
                    return (Tensor(loss), saved: y)
                }
                let (loss, y) = SoftmaxAndLoss.softmaxCrossEntropy(x[0], x[1])
                return (Tensor(loss), saved: y)
            },
            backward: { x, _, y, g in
                let y = y ?? SoftmaxAndLoss.softmax(x[0])
                let local: Tensor
                if let labels = try? SoftmaxAndLoss.classIndices(x[1], like: x[0]) {
                    local = SoftmaxAndLoss.softmaxCrossEntropyDerivative(softmax: y, labels: labels)
                } else {
                    let t = (try? SoftmaxAndLoss.oneHot(x[1], like: x[0])) ?? .zeros(x[0].shape)
                    local = SoftmaxAndLoss.softmaxCrossEntropyDerivative(softmax: y, t)
                }
                return [OperandGradient(local: .elementwise(local), contribution: SoftmaxAndLoss.times(local, g)), nil]
            })),
        expansion: { g, x throws(ShapeError) in
            let y = try OperationDefinition.softmax.expansion!(&g, [x[0]])
            return try g.apply(.crossEntropy, y, x[1])
        })
}

/// A loss `y = f(p, t)` of predictions `p` and a target `t` (one-hot or
/// class indices), beside its local derivative `∂y/∂p`; no gradient flows into `t`.
private func loss(_ name: String, _ forward: @escaping @Sendable (Tensor, Tensor) -> Double,
                  _ derivative: @escaping @Sendable (Tensor, Tensor) -> Tensor) -> Rule {
    .tensor(TensorRule(
        shape: { s throws(ShapeError) in try lossShape(name, s) },
        forward: { x, _ throws(OperationFailure) in Tensor(forward(x[0], try SoftmaxAndLoss.oneHot(x[1], like: x[0]))) },
        backward: { x, _, g in
            let t = (try? SoftmaxAndLoss.oneHot(x[1], like: x[0])) ?? .zeros(x[0].shape)
            let local = derivative(x[0], t)
            return [OperandGradient(local: .elementwise(local), contribution: SoftmaxAndLoss.times(local, g)), nil]
        }))
}

/// A loss is a scalar; its target has the predictions' shape (one-hot) or
/// that shape without the last axis (class indices).
private func lossShape(_ name: String, _ shapes: [[Int]]) throws(ShapeError) -> [Int] {
    let a = shapes[0], t = shapes[1]
    guard !a.isEmpty else {
        throw ShapeError("\(name) needs a vector or matrix of scores, got a scalar", operand: 0)
    }
    guard t == a || t == Array(a.dropLast()) else {
        throw ShapeError("\(name) target of shape \(describeShape(t)) does not fit predictions of shape \(describeShape(a)); expected \(describeShape(a)) (one-hot) or \(describeShape(Array(a.dropLast()))) (class indices)", operand: 1)
    }
    return []
}
