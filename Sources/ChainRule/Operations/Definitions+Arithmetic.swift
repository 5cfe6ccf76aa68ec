import RealModule

// Arithmetic: `+ − × ÷`, negation, powers and the elementwise maximum and
// minimum. Two-operand rules broadcast like NumPy; each forward `y = a ∘ b`
// sits beside its local derivatives `∂y/∂a`, `∂y/∂b`.

// A common operation's rule is a `static let` of its own, right above its
// definition (`addRule`): a constant the compiler can see through, so the
// kernels (Kernels.swift) and the scalar tape inline it into their loops.
// Read through the definition (a class instance), it is a closure call per
// element.

extension OperationDefinition {
    static let addRule = Rule.binary(forward: { $0 + $1 }, da: { _, _ in 1 }, db: { _, _ in 1 })
    static let add = OperationDefinition(
        name: "+", symbol: "+", arity: 2, verb: "add",
        text: .init("addition", forward: "y = a + b", infix: "+",
                    local: [.init("1", "+ passes the gradient through unchanged")]),
        rule: addRule)

    static let subRule = Rule.binary(forward: { $0 - $1 }, da: { _, _ in 1 }, db: { _, _ in -1 })
    static let sub = OperationDefinition(
        name: "-", symbol: "−", arity: 2, verb: "subtract",
        text: .init("subtraction", forward: "y = a − b", infix: "−",
                    local: [.init("1", "− passes the gradient to its left operand"),
                            .init("−1", "− flips the sign for its right operand")]),
        rule: subRule)

    static let mulRule = Rule.binary(forward: { $0 * $1 }, da: { _, b in b }, db: { a, _ in a })
    static let mul = OperationDefinition(
        name: "*", symbol: "×", arity: 2, verb: "multiply",
        text: .init("elementwise multiplication", forward: "y = a × b", infix: "×",
                    local: [.init("{b}", swapsInputs), .init("{a}", swapsInputs)]),
        rule: mulRule)

    static let divRule = Rule.binary(forward: { $0 / $1 }, da: { _, b in 1 / b }, db: { a, b in -a / (b * b) })
    static let div = OperationDefinition(
        name: "/", symbol: "÷", arity: 2, verb: "divide",
        text: .init("elementwise division", forward: "y = a ÷ b", infix: "÷",
                    local: [.init("1/{b}"), .init("−{a}/{b}²")]),
        rule: divRule)

    static let negRule = Rule.unary(forward: { -$0 }, derivative: { _, _ in -1 })
    static let neg = OperationDefinition(
        name: "-", symbol: "×(−1)",
        text: .init("negation", forward: "y = −x", expression: "−{a}", local: [.init("−1")]),
        rule: negRule)

    static let identityRule = Rule.unary(forward: { $0 }, derivative: { _, _ in 1 })
    static let identity = OperationDefinition(
        name: "=", symbol: "=",
        text: .init("a new name", forward: "y = x", expression: "{a!}",
                    local: [.init("1", "a new name passes the gradient through")]),
        rule: identityRule)

    /// `x ^ p` for a literal exponent `p`; `x ^ 0` is 1 with derivative 0.
    static func pow(_ p: Double) -> OperationDefinition {
        let local: LocalText = p == 2 ? .init("2·{a}", "d(t²)/dt = 2t") : .init("{p}·{a}^{p-1}")
        let rule: Rule = p == 0
            ? .unary(forward: { _ in 1 }, derivative: { _, _ in 0 })
            : .unary(forward: { numpyPower($0, p) }, derivative: { x, _ in p * numpyPower(x, p - 1) })
        return .init(name: "^", symbol: "^" + formatExponent(p),
                     text: .init("power by a literal", forward: "y = x^{p}", expression: "{a}^{p}",
                                 local: [local], parameter: p),
                     rule: rule)
    }

    /// `pow(x, y)`: a tensor exponent. As in JAX, `∂/∂y` is 0 at `x = 0`
    /// (the limit of `x^y·log x`) and `∂/∂x` is 0 where `y = 0`.
    static let power = OperationDefinition(
        name: "pow", symbol: "pow", arity: 2, call: .init("pow", signature: "pow(x, y)", .power),
        text: .init("power", forward: "y = a^b", expression: "{a}^{b}",
                    local: [.init("{b}·{a}^({b} − 1)"), .init("{a}^{b}·log {a}")]),
        rule: .binary(forward: { numpyPower($0, $1) },
                      da: { a, b in b == 0 ? 0 : b * numpyPower(a, b - 1) },
                      db: { a, b in a == 0 ? 0 : numpyPower(a, b) * .log(a) }))

    /// `maximum(a, b)`; at a tie each operand gets half the gradient.
    static let maximum = OperationDefinition(
        name: "maximum", symbol: "max", arity: 2, call: .init("maximum", signature: "maximum(a, b)", .maximum),
        text: .init("elementwise maximum", forward: "y = max(a, b)",
                    local: [.init("1 where {a} > {b}, ½ at a tie, else 0", "the larger operand takes the gradient"),
                            .init("1 where {b} > {a}, ½ at a tie, else 0", "the larger operand takes the gradient")]),
        rule: .binary(forward: { Swift.max($0, $1) },
                      da: { a, b in a > b ? 1 : a == b ? 0.5 : 0 },
                      db: { a, b in b > a ? 1 : a == b ? 0.5 : 0 }))

    /// `minimum(a, b)`; at a tie each operand gets half the gradient.
    static let minimum = OperationDefinition(
        name: "minimum", symbol: "min", arity: 2, call: .init("minimum", signature: "minimum(a, b)", .minimum),
        text: .init("elementwise minimum", forward: "y = min(a, b)",
                    local: [.init("1 where {a} < {b}, ½ at a tie, else 0", "the smaller operand takes the gradient"),
                            .init("1 where {b} < {a}, ½ at a tie, else 0", "the smaller operand takes the gradient")]),
        rule: .binary(forward: { Swift.min($0, $1) },
                      da: { a, b in a < b ? 1 : a == b ? 0.5 : 0 },
                      db: { a, b in b < a ? 1 : a == b ? 0.5 : 0 }))
}

private let swapsInputs = "× swaps its inputs: the local derivative is the other operand"

/// `x ^ p` with NumPy semantics: whole exponents work for negative `x`
/// (`(-2) ^ 2 = 4`); RealModule's real `pow` is defined for `x ≥ 0` only.
@inlinable
package func numpyPower(_ x: Double, _ p: Double) -> Double {
    if p == p.rounded(), Swift.abs(p) <= 0x1p53 {
        if x >= 0 || x.isNaN { return .pow(x, p) }
        let magnitude = Double.pow(-x, p)
        return p.truncatingRemainder(dividingBy: 2) == 0 ? magnitude : -magnitude
    }
    return .pow(x, p)
}

/// An exponent as superscript digits for figures: `²`, `⁻¹`.
private func formatExponent(_ p: Double) -> String {
    let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵",
                                          "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻", ".": "·"]
    let text = p == p.rounded() && Swift.abs(p) < 1e15 ? String(Int(p)) : String(p)
    if text.allSatisfy({ digits[$0] != nil }) { return String(text.map { digits[$0]! }) }
    return text
}
