import Foundation

/// The one number format of every figure: a fixed number of significant
/// digits, trailing zeros dropped, scientific notation for very small or very
/// large magnitudes, a real minus sign.
///
/// With the default 4 significant digits: `220`, `1.1`, `0.5`, `−3`,
/// `0.001234`, `0.0001234` → `1.234e−4`, `123456` → `1.235e5`,
/// NaN → `NaN`, ±infinity → `∞` / `−∞`.
public struct NumberFormat: Sendable, Hashable {
    /// Significant digits, at least 1.
    public var significantDigits: Int
    /// Magnitudes below `10^smallestFixedExponent` use scientific notation.
    public var smallestFixedExponent: Int
    /// Magnitudes at or above `10^largestFixedExponent` use scientific notation.
    public var largestFixedExponent: Int
    /// The minus sign: U+2212 by default (typographic), `-` for plain text.
    public var minus: String

    public init(significantDigits: Int = 4, smallestFixedExponent: Int = -3,
                largestFixedExponent: Int = 5, minus: String = "\u{2212}") {
        self.significantDigits = max(1, min(17, significantDigits))
        self.smallestFixedExponent = smallestFixedExponent
        self.largestFixedExponent = largestFixedExponent
        self.minus = minus
    }

    /// The figures' format: 4 significant digits.
    public static let figure = NumberFormat()

    /// Formats one number.
    public func string(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? minus + "∞" : "∞" }
        if x == 0 { return "0" }
        let sign = x < 0 ? minus : ""
        let magnitude = abs(x)
        // Round to the significant digits first: the exponent can change (9.9996 → 10).
        let scientific = String(format: "%.\(significantDigits - 1)e", magnitude)
        guard let e = scientific.firstIndex(of: "e"), let exponent = Int(scientific[scientific.index(after: e)...]) else {
            return sign + scientific
        }
        if exponent < smallestFixedExponent || exponent >= largestFixedExponent {
            let mantissa = trimZeros(String(scientific[..<e]))
            let expText = exponent < 0 ? minus + String(-exponent) : String(exponent)
            return sign + mantissa + "e" + expText
        }
        let decimals = max(0, significantDigits - 1 - exponent)
        let rounded = Double(scientific) ?? magnitude  // 12346 → 12350 (exact at these digits)
        return sign + trimZeros(String(format: "%.\(decimals)f", rounded))
    }

    private func trimZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
