/// A shape error found while building a graph: the operands of an operation
/// do not fit together.
public struct ShapeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A one-line message such as `cannot multiply shapes (2, 3) and (2,)`.
    public let message: String
    /// The operand the error is about, when it is one operand's fault
    /// (for example a bad `axis`), else `nil`.
    public let operand: Int?
    public init(_ message: String, operand: Int? = nil) {
        self.message = message
        self.operand = operand
    }
    public var description: String { message }
}

extension Operation {
    /// The output shape for operands of the given shapes, or a `ShapeError`.
    public func outputShape(_ shapes: [[Int]]) throws(ShapeError) -> [Int] {
        guard shapes.count == arity else {
            throw ShapeError("\(scriptName) takes \(arity) operand\(arity == 1 ? "" : "s"), got \(shapes.count)")
        }
        let a = shapes[0]
        switch self {
        case .add, .sub, .mul, .div:
            guard let s = Broadcasting.shape(a, shapes[1]) else {
                throw ShapeError("cannot \(verb) shapes \(describeShape(a)) and \(describeShape(shapes[1]))")
            }
            return s
        case .identity, .neg, .pow, .exp, .log, .recip, .square, .sqrt, .sigmoid, .relu, .tanh, .softmax:
            return a
        case .matmul:
            let b = shapes[1]
            if a.isEmpty || b.isEmpty {
                throw ShapeError("cannot matrix-multiply a scalar: shapes \(describeShape(a)) and \(describeShape(b)); use * instead",
                                 operand: a.isEmpty ? 0 : 1)
            }
            let inner = a.last!
            let innerB = b.count == 2 ? b[0] : b[0]
            guard inner == innerB else {
                throw ShapeError("cannot matrix-multiply shapes \(describeShape(a)) and \(describeShape(b)): inner dimensions \(inner) and \(innerB) differ")
            }
            switch (a.count, b.count) {
            case (1, 1): return []
            case (2, 1): return [a[0]]
            case (1, 2): return [b[1]]
            default: return [a[0], b[1]]
            }
        case .transpose:
            return a.count == 2 ? [a[1], a[0]] : a
        case .sum(let axis, let keepDims):
            return try reducedShape(a, axis: axis, keepDims: keepDims)
        case .mean(let axis):
            return try reducedShape(a, axis: axis, keepDims: false)
        case .crossEntropy, .softmaxCrossEntropy:
            let t = shapes[1]
            guard !a.isEmpty else {
                throw ShapeError("\(scriptName) needs a vector or matrix of scores, got a scalar", operand: 0)
            }
            guard t == a || t == Array(a.dropLast()) else {
                throw ShapeError("\(scriptName) target of shape \(describeShape(t)) does not fit predictions of shape \(describeShape(a)); expected \(describeShape(a)) (one-hot) or \(describeShape(Array(a.dropLast()))) (class indices)", operand: 1)
            }
            return []
        }
    }

    private func reducedShape(_ a: [Int], axis: Int?, keepDims: Bool) throws(ShapeError) -> [Int] {
        guard let axis else { return [] }
        guard axis >= 0, axis < a.count else {
            throw ShapeError("axis \(axis) is out of range for a \(a.isEmpty ? "scalar" : "tensor of shape \(describeShape(a))") (it has \(a.count) ax\(a.count == 1 ? "is" : "es"))", operand: 0)
        }
        var s = a
        if keepDims { s[axis] = 1 } else { s.remove(at: axis) }
        return s
    }
}
