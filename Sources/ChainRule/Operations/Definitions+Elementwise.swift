import RealModule

// One-operand elementwise functions: each forward `y = f(x)` beside its
// local derivative `∂y/∂x`, written in terms of the input `x` and the
// output `y` (micrograd's `_backward`, one line each).

// A common operation's rule is a `static let` of its own, right above its
// definition (`addRule`): a constant the compiler can see through, so the
// kernels (Kernels.swift) and the scalar tape inline it into their loops.
// Read through the definition (a class instance), it is a closure call per
// element.

extension OperationDefinition {
    static let expRule = Rule.unary(forward: { .exp($0) }, derivative: { _, y in y })
    static let exp = OperationDefinition(
        name: "exp", symbol: "exp", call: .init("exp", reserved: true, .exp),
        text: .init("exponential", forward: "y = exp(x)",
                    local: [.init("exp({a!}) = {y}", "exp is its own derivative")]),
        rule: expRule)

    static let logRule = Rule.unary(forward: { .log($0) }, derivative: { x, _ in 1 / x })
    static let log = OperationDefinition(
        name: "log", symbol: "log", call: .init("log", reserved: true, .log),
        text: .init("natural logarithm", forward: "y = log(x)", local: [.init("1/{a}")]),
        rule: logRule)

    static let recipRule = Rule.unary(forward: { 1 / $0 }, derivative: { _, y in -y * y })
    static let recip = OperationDefinition(
        name: "recip", symbol: "1/x", call: .init("recip", reserved: true, .recip),
        text: .init("reciprocal", forward: "y = 1/x", expression: "1/{a}", local: [.init("−1/{a}² = −{y}²")]),
        rule: recipRule)

    static let squareRule = Rule.unary(forward: { $0 * $0 }, derivative: { x, _ in 2 * x })
    static let square = OperationDefinition(
        name: "square", symbol: "x²", call: .init("square", reserved: true, .square),
        text: .init("square", forward: "y = x²", expression: "{a}²", local: [.init("2·{a}", "d(a²)/da = 2a")]),
        rule: squareRule)

    static let sqrtRule = Rule.unary(forward: { .sqrt($0) }, derivative: { _, y in 0.5 / y })
    static let sqrt = OperationDefinition(
        name: "sqrt", symbol: "√", call: .init("sqrt", reserved: true, .sqrt),
        text: .init("square root", forward: "y = √x", local: [.init("1/(2√{a})")]),
        rule: sqrtRule)

    static let sigmoidRule = Rule.unary(forward: stableSigmoid, derivative: { _, y in y * (1 - y) })
    /// Fused: expands to `recip(1 + exp(x × (−1)))`.
    static let sigmoid = OperationDefinition(
        name: "sigmoid", symbol: "σ", call: .init("sigmoid", reserved: true, .sigmoid),
        text: .init("logistic sigmoid", forward: "y = 1 / (1 + exp(−x))", expression: "σ({a!})",
                    local: [.init("{y}·(1 − {y})", "σ' = y(1 − y): the backward pass needs only the forward output")],
                    expansion: "×(−1) → exp → +1 → 1/x"),
        rule: sigmoidRule,
        expansion: { g, x throws(ShapeError) in
            let negated = try g.apply(.mul, x[0], g.constant(-1))
            let e = try g.apply(.exp, negated)
            let onePlus = try g.apply(.add, e, g.constant(1))
            return try g.apply(.recip, onePlus)
        })

    static let reluRule = Rule.unary(forward: { $0 > 0 ? $0 : 0 }, derivative: { x, _ in x > 0 ? 1 : 0 })
    /// `relu'(0) = 0`.
    static let relu = OperationDefinition(
        name: "relu", symbol: "ReLU", call: .init("relu", reserved: true, .relu),
        text: .init("rectified linear unit", forward: "y = max(x, 0)",
                    local: [.init("1 where {a} > 0, else 0",
                                  "ReLU lets the gradient through where its input was positive and blocks it elsewhere")]),
        rule: reluRule)

    static let tanhRule = Rule.unary(forward: { .tanh($0) }, derivative: { _, y in 1 - y * y })
    static let tanh = OperationDefinition(
        name: "tanh", symbol: "tanh", call: .init("tanh", reserved: true, .tanh),
        text: .init("hyperbolic tangent", forward: "y = tanh(x)", local: [.init("1 − {y}²")]),
        rule: tanhRule)

    /// `abs'(0) = 0`.
    static let abs = OperationDefinition(
        name: "abs", symbol: "|x|", call: .init("abs", .abs),
        text: .init("absolute value", forward: "y = |x|", expression: "|{a!}|",
                    local: [.init("sign({a!}), 0 at 0", "abs passes the gradient with the sign of its input")]),
        rule: .unary(forward: { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : x < 0 ? -1 : 0 }))

    /// `leaky_relu(x, slope)`: `x` for `x > 0`, else `slope·x`; the derivative at 0 is `slope`.
    static func leakyRelu(_ slope: Double) -> OperationDefinition {
        .init(name: "leaky_relu", symbol: "LReLU",
              call: .init("leaky_relu", signature: "leaky_relu(x, slope)", literals: ["slope"]) { args throws(ArgumentError) in
                  guard let slope = args.literals[0] else {
                      throw ArgumentError(.literal(0), "slope must be a numeric literal", notes: ["write 'leaky_relu(x, 0.01)'"])
                  }
                  return .leakyRelu(slope: slope)
              },
              text: .init("leaky rectified linear unit", forward: "y = x where x > 0, else {p}·x",
                          local: [.init("1 where {a} > 0, else {p}", "a leaky ReLU lets a little gradient through where its input was not positive")],
                          parameter: slope),
              rule: .unary(forward: { $0 > 0 ? $0 : slope * $0 }, derivative: { x, _ in x > 0 ? 1 : slope }))
    }

    /// `clip(x, lo, hi)`: `x` limited to `[lo, hi]`, like NumPy's `np.clip`.
    /// The gradient passes where `lo ≤ x ≤ hi` and stops where the value was
    /// clipped (as in PyTorch's `clamp`); NaN stays NaN, with gradient 0.
    static func clip(_ lo: Double, _ hi: Double) -> OperationDefinition {
        .init(name: "clip", symbol: "clip",
              call: .init("clip", signature: "clip(x, lo, hi)", literals: ["lo", "hi"]) { args throws(ArgumentError) in
                  guard let lo = args.literals[0] else {
                      throw ArgumentError(.literal(0), "lo must be a numeric literal", notes: ["write 'clip(p, 1e-7, 0.9999999)'"])
                  }
                  guard let hi = args.literals[1] else {
                      throw ArgumentError(.literal(1), "hi must be a numeric literal", notes: ["write 'clip(p, 1e-7, 0.9999999)'"])
                  }
                  guard lo <= hi else {
                      throw ArgumentError(.literal(1), "hi must not be below lo (\(formatParameter(lo)))")
                  }
                  return .clip(lo: lo, hi: hi)
              },
              text: .init("clip", forward: "y = min(max(x, \(formatParameter(lo))), \(formatParameter(hi)))",
                          local: [.init("1 where \(formatParameter(lo)) ≤ {a} ≤ \(formatParameter(hi)), else 0",
                                        "clipping stops the gradient wherever it changed the value")]),
              rule: .unary(forward: { Swift.min(Swift.max($0, lo), hi) },
                           derivative: { x, _ in x >= lo && x <= hi ? 1 : 0 }))
    }
}

/// `1 / (1 + e^(−x))` without overflow for large |x|.
@inlinable
package func stableSigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + .exp(-x)) }
    let e = Double.exp(x)
    return e / (1 + e)
}
