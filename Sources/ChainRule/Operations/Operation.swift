/// Every operation a graph node can apply.
///
/// Each case is described once, by an `OperationDefinition` in
/// `Operations/Definitions+*.swift` (its forward computation and local
/// derivative side by side, its script name, figure symbol and rule in
/// words). To add an operation: add a case here, one line in `definition`
/// and one in `catalog`, and write its definition (see docs/LANGUAGE.md).
public enum Operation: Hashable, Sendable {
    // Elementwise with broadcasting.
    /// `a + b`, elementwise with NumPy broadcasting.
    case add
    /// `a − b`, elementwise with NumPy broadcasting.
    case sub
    /// `a × b`, elementwise with NumPy broadcasting (`*` in scripts).
    case mul
    /// `a ÷ b`, elementwise with NumPy broadcasting (`/` in scripts).
    case div
    /// `maximum(a, b)`, `minimum(a, b)`: at a tie each operand gets half the gradient.
    case maximum, minimum
    /// `pow(x, y)`: a tensor exponent.
    case power
    // Elementwise, one operand.
    /// `y = x` under a new name (a script's `y = x`): value and gradient pass through.
    case identity
    /// `−x` (unary minus).
    case neg
    /// `x ^ p` for a literal exponent `p`.
    case pow(Double)
    /// `eˣ`, elementwise.
    case exp
    /// The natural logarithm, elementwise.
    case log
    /// `1/x`, elementwise.
    case recip
    /// `x²`, elementwise.
    case square
    /// `√x`, elementwise.
    case sqrt
    /// The logistic function `1/(1 + e⁻ˣ)`, elementwise; fused (see `isFused`).
    case sigmoid
    /// `max(x, 0)`, elementwise; its derivative at 0 is 0.
    case relu
    /// The hyperbolic tangent, elementwise.
    case tanh
    /// `|x|`, elementwise; its derivative at 0 is 0.
    case abs
    /// `leaky_relu(x, slope)`.
    case leakyRelu(slope: Double)
    /// `clip(x, lo, hi)`: `x` limited to `[lo, hi]`; no gradient where clipped.
    case clip(lo: Double, hi: Double)
    // Linear algebra.
    /// The matrix product `a @ b`, with NumPy `matmul` rules for rank 1 and 2
    /// (vector · vector is their dot product, a scalar).
    case matmul
    /// The transpose of a matrix (a vector is unchanged).
    case transpose
    // Reductions.
    /// The sum of every element (`axis == nil`, a scalar) or along `axis`,
    /// which is dropped unless `keepDims` keeps it with length 1.
    case sum(axis: Int?, keepDims: Bool = false)
    /// The mean of every element (`axis == nil`) or along `axis`, which is dropped.
    case mean(axis: Int?)
    // Along the last axis.
    /// Softmax along the last axis, computed stably; fused (see `isFused`).
    case softmax
    /// `log(softmax(x))` along the last axis, computed stably.
    case logSoftmax
    /// `cross_entropy(p, t)`; the second operand is a target (no gradient).
    case crossEntropy
    /// `softmax_cross_entropy(z, t)`, fused and numerically stable.
    case softmaxCrossEntropy
    // Shape.
    /// `reshape(x, n)`, `reshape(x, r, c)`: the same elements, row-major, in a new shape.
    case reshape([Int])
    /// `x[i]` (a vector's element, a matrix's row) or `x[i, j]` (a matrix's element).
    case index([Int])

    /// The operation's one definition.
    ///
    /// Always inlined, so that where only `rule` is read (the engine's hot
    /// paths) just that field of the stored definition is loaded.
    @inline(__always)
    package var definition: OperationDefinition {
        switch self {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .maximum: return .maximum
        case .minimum: return .minimum
        case .power: return .power
        case .identity: return .identity
        case .neg: return .neg
        case .pow(let p): return .pow(p)
        case .exp: return .exp
        case .log: return .log
        case .recip: return .recip
        case .square: return .square
        case .sqrt: return .sqrt
        case .sigmoid: return .sigmoid
        case .relu: return .relu
        case .tanh: return .tanh
        case .abs: return .abs
        case .leakyRelu(let slope): return .leakyRelu(slope)
        case .clip(let lo, let hi): return .clip(lo, hi)
        case .matmul: return .matmul
        case .transpose: return .transpose
        case .sum(let axis, let keepDims): return .sum(axis: axis, keepDims: keepDims)
        case .mean(let axis): return .mean(axis: axis)
        case .softmax: return .softmax
        case .logSoftmax: return .logSoftmax
        case .crossEntropy: return .crossEntropy
        case .softmaxCrossEntropy: return .softmaxCrossEntropy
        case .reshape(let shape): return .reshape(shape)
        case .index(let indices): return .index(indices)
        }
    }

    /// One operation of every kind (parameters chosen as examples), in the
    /// order the docs list them: the source of the script's function table,
    /// the docs' operation tables and the fuzz dictionary.
    package static let catalog: [Operation] = [
        .add, .sub, .mul, .div, .matmul, .neg, .pow(2), .identity,
        .exp, .log, .recip, .square, .sqrt, .sigmoid, .relu, .tanh, .abs, .leakyRelu(slope: 0.01),
        .clip(lo: 1e-7, hi: 0.9999999), .maximum, .minimum, .power,
        .sum(axis: nil), .mean(axis: nil), .transpose, .softmax, .logSoftmax,
        .crossEntropy, .softmaxCrossEntropy, .reshape([2, 3]), .index([0]),
    ]

    /// The functions a script can call, from the definitions in `catalog`.
    package static let scriptCalls: [ScriptCall] = catalog.compactMap(\.definition.call)

    /// Number of operands.
    public var arity: Int { definition.arity }

    /// The operand positions that are targets: no gradient flows into them.
    public var targetOperands: Set<Int> { definition.target.map { [$0] } ?? [] }

    /// `true` for operations that `Graph.expanded()` can rewrite into primitives.
    public var isFused: Bool { definition.isFused }

    /// The label drawn inside the operation's circle in figures.
    public var symbol: String { definition.symbol }

    /// The function name in the graph script (`sigmoid`, `sum`, …) or the operator (`+`).
    public var scriptName: String { definition.name }

    /// The explain view's text: name, forward formula, local derivative(s).
    public var explanation: Explanation { definition.explanation }

    /// A verb for error messages: "cannot *multiply* shapes (2, 3) and (2,)".
    var verb: String { definition.verb }
}
