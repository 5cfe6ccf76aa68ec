/// Every operation a graph node can apply.
///
/// Each case's forward computation and local derivative sit side by side in
/// the `Operation+*.swift` files, grouped by kind.
public enum Operation: Hashable, Sendable {
    // Elementwise with broadcasting.
    case add, sub, mul, div
    // Elementwise, one operand.
    /// `y = x` under a new name (a script's `y = x`): value and gradient pass through.
    case identity
    case neg
    /// `x ^ p` for a literal exponent `p`.
    case pow(Double)
    case exp, log, recip, square, sqrt, sigmoid, relu, tanh
    // Linear algebra.
    case matmul, transpose
    // Reductions: `axis == nil` sums every element to a scalar. `keepDims`
    // keeps the reduced axis with length 1 (used by expanded softmax).
    case sum(axis: Int?, keepDims: Bool = false)
    case mean(axis: Int?)
    // Along the last axis.
    case softmax
    /// `cross_entropy(p, t)`; the second operand is a target (no gradient).
    case crossEntropy
    /// `softmax_cross_entropy(z, t)`, fused and numerically stable.
    case softmaxCrossEntropy

    /// Number of operands.
    public var arity: Int {
        switch self {
        case .add, .sub, .mul, .div, .matmul, .crossEntropy, .softmaxCrossEntropy: return 2
        default: return 1
        }
    }

    /// The operand positions that are targets: no gradient flows into them.
    public var targetOperands: Set<Int> {
        switch self {
        case .crossEntropy, .softmaxCrossEntropy: return [1]
        default: return []
        }
    }

    /// `true` for operations that `Graph.expanded()` can rewrite into primitives.
    public var isFused: Bool {
        switch self {
        case .sigmoid, .softmax, .softmaxCrossEntropy: return true
        default: return false
        }
    }

    /// The label drawn inside the operation's circle in figures.
    public var symbol: String {
        switch self {
        case .identity: return "="
        case .add: return "+"
        case .sub: return "−"
        case .mul: return "×"
        case .div: return "÷"
        case .neg: return "×(−1)"
        case .pow(let p): return "^" + formatExponent(p)
        case .exp: return "exp"
        case .log: return "log"
        case .recip: return "1/x"
        case .square: return "x²"
        case .sqrt: return "√"
        case .sigmoid: return "σ"
        case .relu: return "ReLU"
        case .tanh: return "tanh"
        case .matmul: return "@"
        case .transpose: return "ᵀ"
        case .sum(let axis, _): return axis.map { "Σ axis \($0)" } ?? "Σ"
        case .mean(let axis): return axis.map { "mean axis \($0)" } ?? "mean"
        case .softmax: return "softmax"
        case .crossEntropy: return "CE"
        case .softmaxCrossEntropy: return "softmax+CE"
        }
    }

    /// The function name in the graph script (`sigmoid`, `sum`, …) or the operator (`+`).
    public var scriptName: String {
        switch self {
        case .identity: return "="
        case .add: return "+"
        case .sub: return "-"
        case .mul: return "*"
        case .div: return "/"
        case .neg: return "-"
        case .pow: return "^"
        case .exp: return "exp"
        case .log: return "log"
        case .recip: return "recip"
        case .square: return "square"
        case .sqrt: return "sqrt"
        case .sigmoid: return "sigmoid"
        case .relu: return "relu"
        case .tanh: return "tanh"
        case .matmul: return "@"
        case .transpose: return "transpose"
        case .sum: return "sum"
        case .mean: return "mean"
        case .softmax: return "softmax"
        case .crossEntropy: return "cross_entropy"
        case .softmaxCrossEntropy: return "softmax_cross_entropy"
        }
    }

    /// A verb for error messages: "cannot *multiply* shapes (2, 3) and (2,)".
    var verb: String {
        switch self {
        case .add: return "add"
        case .sub: return "subtract"
        case .mul: return "multiply"
        case .div: return "divide"
        case .matmul: return "matrix-multiply"
        default: return "apply \(scriptName) to"
        }
    }
}

private func formatExponent(_ p: Double) -> String {
    let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵",
                                          "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻", ".": "·"]
    let text = p == p.rounded() && abs(p) < 1e15 ? String(Int(p)) : String(p)
    if text.allSatisfy({ digits[$0] != nil }) { return String(text.map { digits[$0]! }) }
    return text
}
