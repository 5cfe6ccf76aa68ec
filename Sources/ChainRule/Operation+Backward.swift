/// How an output depends on one operand, as drawn on an edge.
public enum LocalDerivative: Hashable, Sendable {
    /// An elementwise local derivative `∂y/∂x`, in the output's shape:
    /// the contribution is `local ⊙ upstream`.
    case elementwise(Tensor)
    /// A rule that is not elementwise, e.g. `Gᵀ·X` for a matrix product;
    /// the text names the upstream gradient `G`.
    case rule(String)
}

/// One operand's share of the backward step of an operation.
struct OperandGradient {
    var local: LocalDerivative
    /// The contribution in the output's (broadcast) shape, before any
    /// reduction back to the operand's shape.
    var contribution: Tensor
}

extension Operation {
    /// The local derivative and contribution for every operand, given the
    /// operand values `x`, the output `y` and the upstream gradient `g`.
    /// Targets get `nil`: no gradient flows into them.
    func backward(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [OperandGradient?] {
        if let rule = unaryRule {
            let local = Tensor(shape: y.shape, scalars: zip(x[0].scalars, y.scalars).map(rule.derivative))
            return [OperandGradient(local: .elementwise(local), contribution: Elementwise.mul(local, g))]
        }
        if let rule = binaryRule {
            let a = Broadcasting.expand(x[0], to: y.shape), b = Broadcasting.expand(x[1], to: y.shape)
            let la = Tensor(shape: y.shape, scalars: zip(a.scalars, b.scalars).map(rule.da))
            let lb = Tensor(shape: y.shape, scalars: zip(a.scalars, b.scalars).map(rule.db))
            return [OperandGradient(local: .elementwise(la), contribution: Elementwise.mul(la, g)),
                    OperandGradient(local: .elementwise(lb), contribution: Elementwise.mul(lb, g))]
        }
        switch self {
        case .matmul:
            // y = A @ B:  ∂L/∂A = G @ Bᵀ,  ∂L/∂B = Aᵀ @ G  (vectors as rows/columns).
            let (da, db) = LinearAlgebra.matmulGradients(x[0], x[1], g)
            return [OperandGradient(local: .rule("G · Bᵀ"), contribution: da),
                    OperandGradient(local: .rule("Aᵀ · G"), contribution: db)]
        case .transpose:
            return [OperandGradient(local: .rule("Gᵀ"), contribution: LinearAlgebra.transpose(g))]
        case .sum(let axis, _):
            // Every element contributes with derivative 1: copy G back along the summed axis.
            let spread = Reductions.spread(g, axis: axis, to: x[0].shape)
            return [OperandGradient(local: .elementwise(.ones(x[0].shape)), contribution: spread)]
        case .mean(let axis):
            let n = Double(x[0].count / max(y.count, 1))
            let spread = Reductions.spread(g, axis: axis, to: x[0].shape).map { $0 / n }
            return [OperandGradient(local: .elementwise(Tensor(repeating: 1 / n, shape: x[0].shape)), contribution: spread)]
        case .softmax:
            // ∂L/∂x = y ⊙ (G − Σ(G ⊙ y)) along the last axis (the Jacobian diag(y) − y yᵀ applied to G).
            return [OperandGradient(local: .rule("diag(y) − y yᵀ"), contribution: SoftmaxAndLoss.softmaxBackward(y: y, g: g))]
        case .crossEntropy:
            // ∂L/∂p = −t / (p + 1e-7) / N
            let t = (try? SoftmaxAndLoss.oneHot(x[1], like: x[0])) ?? .zeros(x[0].shape)
            let local = SoftmaxAndLoss.crossEntropyDerivative(x[0], t)
            return [OperandGradient(local: .elementwise(local), contribution: local.map { $0 * g.scalar }), nil]
        case .softmaxCrossEntropy:
            // ∂L/∂z = (softmax(z) − t) / N
            let t = (try? SoftmaxAndLoss.oneHot(x[1], like: x[0])) ?? .zeros(x[0].shape)
            let local = SoftmaxAndLoss.softmaxCrossEntropyDerivative(x[0], t)
            return [OperandGradient(local: .elementwise(local), contribution: local.map { $0 * g.scalar }), nil]
        default:
            preconditionFailure("no backward rule for \(self)")
        }
    }
}
