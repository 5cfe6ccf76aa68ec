import RealModule

/// An error found while computing values: a class label that is not a whole
/// number in `[0, C)`.
public struct EvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The node whose operation failed.
    public let node: NodeID
    public let message: String
    public var description: String { message }
}

extension Operation {
    /// Computes the output from the operand values. Shapes have already been
    /// checked by `outputShape`; only label values can still be wrong.
    func forward(_ x: [Tensor], shape: [Int]) throws(OperationFailure) -> Tensor {
        if unaryRule != nil {
            return Elementwise.forward(self, x[0])   // y = rule.forward(x), element by element
        }
        if binaryRule != nil {
            return Elementwise.forward(self, x[0], x[1], shape: shape)   // with broadcasting
        }
        switch self {
        case .matmul:
            return LinearAlgebra.matmul(x[0], x[1])
        case .transpose:
            return LinearAlgebra.transpose(x[0])
        case .sum(let axis, _):
            return Reductions.sum(x[0], axis: axis, shape: shape)
        case .mean(let axis):
            let s = Reductions.sum(x[0], axis: axis, shape: shape)
            let n = Double(x[0].count / max(s.count, 1))
            return s.map { $0 / n }
        case .softmax:
            return SoftmaxAndLoss.softmax(x[0])
        case .crossEntropy:
            let t = try SoftmaxAndLoss.oneHot(x[1], like: x[0])
            return Tensor(SoftmaxAndLoss.crossEntropy(x[0], t))
        case .softmaxCrossEntropy:
            let t = try SoftmaxAndLoss.oneHot(x[1], like: x[0])
            return Tensor(SoftmaxAndLoss.softmaxCrossEntropy(x[0], t))
        default:
            preconditionFailure("no forward rule for \(self)")
        }
    }
}

/// A failure inside an operation, before it is attached to a node.
struct OperationFailure: Error { let message: String }
