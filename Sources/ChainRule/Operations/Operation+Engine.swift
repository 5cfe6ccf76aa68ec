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

/// A one-operand elementwise rule, as the fast paths take it. (A struct, not
/// an optional tuple of closures: that would box every closure in a thunk.)
struct UnaryRule {
    let forward: @Sendable (Double) -> Double
    let derivative: @Sendable (_ x: Double, _ y: Double) -> Double
}

/// A two-operand elementwise rule, as the fast paths take it.
struct BinaryRule {
    let forward: @Sendable (Double, Double) -> Double
    let da: @Sendable (_ a: Double, _ b: Double) -> Double
    let db: @Sendable (_ a: Double, _ b: Double) -> Double
}

extension Rule {
    /// For a one-operand elementwise rule: its forward function and local derivative.
    @inline(__always)
    var unary: UnaryRule? {
        if case .unary(let forward, let derivative) = self { return UnaryRule(forward: forward, derivative: derivative) }
        return nil
    }

    /// For a two-operand elementwise rule `y = a ∘ b`: its forward function
    /// and the local derivatives `∂y/∂a`, `∂y/∂b`.
    @inline(__always)
    var binary: BinaryRule? {
        if case .binary(let forward, let da, let db) = self { return BinaryRule(forward: forward, da: da, db: db) }
        return nil
    }
}

extension OperationDefinition {
    /// The output shape for operands of the given shapes, or a `ShapeError`.
    func outputShape(_ shapes: [[Int]]) throws(ShapeError) -> [Int] {
        guard shapes.count == arity else {
            throw ShapeError("\(name) takes \(arity) operand\(arity == 1 ? "" : "s"), got \(shapes.count)")
        }
        switch rule {
        case .unary:
            return shapes[0]
        case .binary:
            guard let s = Broadcasting.shape(shapes[0], shapes[1]) else {
                throw ShapeError("cannot \(verb) shapes \(describeShape(shapes[0])) and \(describeShape(shapes[1]))")
            }
            return s
        case .tensor(let rule):
            return try rule.shape(shapes)
        }
    }
}

// The engine's side of a definition: shapes, forward and the reference
// backward, dispatched on the definition's `rule`. The fast paths that
// compute the same numbers live behind `Kernels.swift`.
extension Operation {
    /// For a one-operand elementwise operation: its forward function and local derivative.
    @inline(__always)
    var unaryRule: UnaryRule? { definition.rule.unary }

    /// For a two-operand elementwise operation `y = a ∘ b`: its forward
    /// function and the local derivatives `∂y/∂a`, `∂y/∂b`.
    @inline(__always)
    var binaryRule: BinaryRule? { definition.rule.binary }

    /// The output shape for operands of the given shapes, or a `ShapeError`.
    public func outputShape(_ shapes: [[Int]]) throws(ShapeError) -> [Int] {
        try definition.outputShape(shapes)
    }

    /// Computes the output from the operand values. Shapes have already been
    /// checked by `outputShape`; only label values can still be wrong.
    func forward(_ x: [Tensor], shape: [Int]) throws(OperationFailure) -> Tensor {
        try forward(x, shape: shape, rule: definition.rule)
    }

    /// `forward` with the operation's rule given (a graph keeps each node's,
    /// built once, so evaluating never rebuilds a definition).
    func forward(_ x: [Tensor], shape: [Int], rule: Rule) throws(OperationFailure) -> Tensor {
        switch rule {
        case .unary(let forward, let derivative):
            return Elementwise.forward(self, x[0], UnaryRule(forward: forward, derivative: derivative))
        case .binary(let forward, let da, let db):
            return Elementwise.forward(self, x[0], x[1], shape: shape, BinaryRule(forward: forward, da: da, db: db))
        case .tensor(let rule): return try rule.forward(x, shape)
        }
    }

    /// The local derivative and contribution for every operand, given the
    /// operand values `x`, the output `y` and the upstream gradient `g`:
    /// the reference rule that edge records show. Targets get `nil`.
    func backward(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [OperandGradient?] {
        backward(x, y, g, rule: definition.rule)
    }

    /// `backward` with the operation's rule given (see `forward(_:shape:rule:)`),
    /// and the tensor its forward pass saved, if it saves one (`Forward.saved`).
    func backward(_ x: [Tensor], _ y: Tensor, _ g: Tensor, rule: Rule, saved: Tensor? = nil) -> [OperandGradient?] {
        switch rule {
        case .unary(_, let derivative):
            let local = Tensor(shape: y.shape, scalars: zip(x[0].scalars, y.scalars).map(derivative))
            return [OperandGradient(local: .elementwise(local), contribution: Elementwise.mul(local, g))]
        case .binary(_, let da, let db):
            let a = Broadcasting.expand(x[0], to: y.shape), b = Broadcasting.expand(x[1], to: y.shape)
            let la = Tensor(shape: y.shape, scalars: zip(a.scalars, b.scalars).map(da))
            let lb = Tensor(shape: y.shape, scalars: zip(a.scalars, b.scalars).map(db))
            return [OperandGradient(local: .elementwise(la), contribution: Elementwise.mul(la, g)),
                    OperandGradient(local: .elementwise(lb), contribution: Elementwise.mul(lb, g))]
        case .tensor(let rule):
            if let saved, let saving = rule.saving { return saving.backward(x, y, saved, g) }
            return rule.backward(x, y, g)
        }
    }
}
