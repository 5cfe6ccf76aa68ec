import RealModule

// Elementwise operations: each forward `y = f(x)` beside its local
// derivative `∂y/∂x`, written in terms of the input `x` and the output `y`.

extension Operation {
    /// For a one-operand elementwise operation: the forward function and its
    /// local derivative, side by side.
    var unaryRule: (forward: (Double) -> Double, derivative: (_ x: Double, _ y: Double) -> Double)? {
        switch self {
        case .identity: return ({ $0 },                  { _, _ in 1 })
        case .neg:      return ({ -$0 },                 { _, _ in -1 })
        case .exp:      return ({ .exp($0) },            { _, y in y })
        case .log:      return ({ .log($0) },            { x, _ in 1 / x })
        case .recip:    return ({ 1 / $0 },              { _, y in -y * y })
        case .square:   return ({ $0 * $0 },             { x, _ in 2 * x })
        case .sqrt:     return ({ .sqrt($0) },           { _, y in 0.5 / y })
        case .sigmoid:  return (stableSigmoid,           { _, y in y * (1 - y) })
        case .relu:     return ({ $0 > 0 ? $0 : 0 },     { x, _ in x > 0 ? 1 : 0 })
        case .tanh:     return ({ .tanh($0) },           { _, y in 1 - y * y })
        case .pow(let p):
            if p == 0 { return ({ _ in 1 },              { _, _ in 0 }) }
            return ({ numpyPower($0, p) },                    { x, _ in p * numpyPower(x, p - 1) })
        default:        return nil
        }
    }

    /// For a two-operand elementwise operation `y = a ∘ b`: the forward
    /// function and the local derivatives `∂y/∂a`, `∂y/∂b`.
    var binaryRule: (forward: (Double, Double) -> Double,
                     da: (_ a: Double, _ b: Double) -> Double,
                     db: (_ a: Double, _ b: Double) -> Double)? {
        switch self {
        case .add: return ({ $0 + $1 }, { _, _ in 1 },     { _, _ in 1 })
        case .sub: return ({ $0 - $1 }, { _, _ in 1 },     { _, _ in -1 })
        case .mul: return ({ $0 * $1 }, { _, b in b },     { a, _ in a })
        case .div: return ({ $0 / $1 }, { _, b in 1 / b }, { a, b in -a / (b * b) })
        default:   return nil
        }
    }
}

/// `x ^ p` with NumPy semantics: whole exponents work for negative `x`
/// (`(-2) ^ 2 = 4`); RealModule's real `pow` is defined for `x ≥ 0` only.
@inlinable
public func numpyPower(_ x: Double, _ p: Double) -> Double {
    if p == p.rounded(), abs(p) <= 0x1p53 {
        if x >= 0 || x.isNaN { return .pow(x, p) }
        let magnitude = Double.pow(-x, p)
        return p.truncatingRemainder(dividingBy: 2) == 0 ? magnitude : -magnitude
    }
    return .pow(x, p)
}

/// `1 / (1 + e^(−x))` without overflow for large |x|.
@inlinable
public func stableSigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + .exp(-x)) }
    let e = Double.exp(x)
    return e / (1 + e)
}
