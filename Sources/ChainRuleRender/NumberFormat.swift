#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one number format of every figure: a fixed number of significant
/// digits, trailing zeros dropped, scientific notation for very small or very
/// large magnitudes, a real minus sign.
///
/// With the default 4 significant digits: `220`, `1.1`, `0.5`, `−3`,
/// `0.001234`, `0.0001234` → `1.234e−4`, `123456` → `1.235e5`,
/// NaN → `NaN`, ±infinity → `∞` / `−∞`.
///
/// Foundation-free: the C library's correctly rounded `%.*e` gives the
/// significant digits (the same conversion `String(format:)` ends in), and
/// the text is assembled from those digits directly. Tests compare it with
/// the former `String(format:)` implementation on edge and random values.
public struct NumberFormat: Sendable, Hashable {
    /// Significant digits, at least 1.
    public var significantDigits: Int
    /// Magnitudes below `10^smallestFixedExponent` use scientific notation.
    public var smallestFixedExponent: Int
    /// Magnitudes at or above `10^largestFixedExponent` use scientific notation.
    public var largestFixedExponent: Int
    /// The minus sign: U+2212 by default (typographic), `-` for plain text.
    public var minus: String

    /// A format; `significantDigits` is kept within 1…17.
    public init(significantDigits: Int = 4, smallestFixedExponent: Int = -3,
                largestFixedExponent: Int = 5, minus: String = "\u{2212}") {
        self.significantDigits = max(1, min(17, significantDigits))
        self.smallestFixedExponent = smallestFixedExponent
        self.largestFixedExponent = largestFixedExponent
        self.minus = minus
    }

    /// The figures' format: 4 significant digits.
    public static let figure = NumberFormat()

    /// Text and tables for people (terminal, slides, `eval`'s table): 6
    /// significant digits, the same rules and minus sign as figures.
    public static let text = NumberFormat(significantDigits: 6)

    /// Formats one number, showing `0` when `|x| < zeroBelow` (an entry that
    /// is zero up to rounding; see `RoundingNoise` for how the threshold is set).
    public func string(_ x: Double, zeroBelow: Double) -> String {
        if x.isFinite && abs(x) < zeroBelow { return "0" }
        return string(x)
    }

    /// Every digit needed to read the double back (`3.297442541400256`,
    /// `−1.5e−7`), with this format's minus sign: for the rare places that
    /// compare two close numbers digit by digit (a gradient check).
    public func roundTrip(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? minus + "∞" : "∞" }
        if x == 0 { return "0" }
        // Swift's shortest round-trip digits: `0.1`, `3.0`, `1e-07`, `1.5e+20`.
        let text = abs(x).description
        let parts = text.split(separator: "e", maxSplits: 1)
        var mantissa = String(parts[0])
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        var s = (x < 0 ? minus : "") + mantissa
        if parts.count == 2, let e = Int(parts[1]) {
            s += "e" + (e < 0 ? minus + String(-e) : String(e))
        }
        return s
    }

    /// Formats one number.
    public func string(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? minus + "∞" : "∞" }
        if x == 0 { return "0" }
        let sign = x < 0 ? minus : ""
        let magnitude = abs(x)
        let p = significantDigits
        // Round to the significant digits first: the exponent can change (9.9996 → 10).
        var digits: [UInt8] = []       // p ASCII digits
        digits.reserveCapacity(p)
        var exponent = 0
        var ok = false
        NumberFormat.printf("%.*e", p - 1, magnitude) { buffer, count in
            // d[.ddd]e±XX
            var i = 0
            while i < count, buffer[i] != UInt8(ascii: "e") {
                let c = buffer[i]
                if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { digits.append(c) }
                i += 1
            }
            guard i + 2 < count else { return }
            let negative = buffer[i + 1] == UInt8(ascii: "-")
            var e = 0
            var j = i + 2
            while j < count { e = e * 10 + Int(buffer[j] &- UInt8(ascii: "0")); j += 1 }
            exponent = negative ? -e : e
            ok = digits.count == p
        }
        guard ok else { return sign + NumberFormat.legacyFallback(magnitude, p) }
        // Significant digits without trailing zeros.
        var used = p
        while used > 1 && digits[used - 1] == UInt8(ascii: "0") { used -= 1 }
        if exponent < smallestFixedExponent || exponent >= largestFixedExponent {
            var s = sign
            s.unicodeScalars.append(Unicode.Scalar(digits[0]))
            if used > 1 {
                s += "."
                for k in 1..<used { s.unicodeScalars.append(Unicode.Scalar(digits[k])) }
            }
            s += "e"
            if exponent < 0 { s += minus; s += String(-exponent) } else { s += String(exponent) }
            return s
        }
        let decimals = max(0, p - 1 - exponent)
        if p > 15 || exponent >= 15 {
            // The former implementation printed the double nearest the rounded
            // decimal; beyond 15 digits that can differ from the digits: do the same.
            return sign + NumberFormat.fixedOfNearest(digits, exponent, decimals)
        }
        // p ≤ 15 digits and |value| < 10^15: the nearest double prints back as
        // exactly these digits, so they can be placed directly.
        var s = sign
        if exponent < 0 {
            s += "0."
            for _ in 0..<(-exponent - 1) { s += "0" }
            for k in 0..<used { s.unicodeScalars.append(Unicode.Scalar(digits[k])) }
            return s
        }
        // Integer part: digits 0...exponent (zeros past the significant digits).
        for k in 0...exponent { s.unicodeScalars.append(Unicode.Scalar(k < p ? digits[k] : UInt8(ascii: "0"))) }
        if used > exponent + 1 && decimals > 0 {
            s += "."
            for k in (exponent + 1)..<used { s.unicodeScalars.append(Unicode.Scalar(digits[k])) }
        }
        return s
    }

    /// `String(format:)`'s old route for > 15 digits: the nearest double of
    /// the rounded decimal, printed with `decimals` decimals, zeros trimmed.
    private static func fixedOfNearest(_ digits: [UInt8], _ exponent: Int, _ decimals: Int) -> String {
        var text = String(decoding: [digits[0], UInt8(ascii: ".")] + digits.dropFirst(), as: UTF8.self)
        text += "e" + String(exponent)
        let rounded = Double(text) ?? 0
        var out = ""
        printf("%.*f", decimals, rounded) { buffer, count in out = String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self) }
        return trimZeros(out)
    }

    /// Unexpected C-library output (never seen): the plain `%.*e` text.
    private static func legacyFallback(_ magnitude: Double, _ p: Int) -> String {
        var out = ""
        printf("%.*e", p - 1, magnitude) { buffer, count in out = String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self) }
        return out
    }

    /// `true` when the `-` at `i` of `chars` is the sign of a number written
    /// in prose (`-3`, `x = -0.5`, `1e-7`, `[-1, 2]`), so people should see
    /// the Unicode minus there; a hyphen in a word or a range (`1-2`,
    /// `well-known`, `--flag`) is not.
    public static func isNumberSign(_ chars: [Character], at i: Int) -> Bool {
        guard chars[i] == "-", i + 1 < chars.count else { return false }
        let next = chars[i + 1]
        let startsNumber = next.isASCII && next.isNumber
            || (next == "." && i + 2 < chars.count && chars[i + 2].isASCII && chars[i + 2].isNumber)
        guard startsNumber else { return false }
        if i == 0 { return true }
        let before = chars[i - 1]
        if before == "e" || before == "E" {
            // An exponent: a digit (or `.`) before the `e`.
            return i >= 2 && (chars[i - 2].isNumber || chars[i - 2] == ".")
        }
        return before.isWhitespace || "([{=,;:<>+*/×÷^·≈".contains(before)
    }

    /// `text` with every number sign `-` (see `isNumberSign`) as `−`.
    public static func typographicMinus(_ text: String) -> String {
        guard text.contains("-") else { return text }
        let chars = Array(text)
        var out = ""
        for i in chars.indices { out.append(isNumberSign(chars, at: i) ? "−" : chars[i]) }
        return out
    }

    /// `"1.2500"` → `"1.25"`, `"3.0"` → `"3"`; text without a decimal point is unchanged.
    public static func trimZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// `snprintf(format, precision, x)` into a buffer; `body` reads the bytes.
    private static func printf(_ format: StaticString, _ precision: Int, _ x: Double,
                               _ body: (UnsafePointer<UInt8>, Int) -> Void) {
        func attempt(_ capacity: Int) -> Int {
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
                let n = withVaList([Int32(clamping: precision), x]) { args in
                    format.withUTF8Buffer { f in
                        f.withMemoryRebound(to: CChar.self) { f in vsnprintf(buffer.baseAddress!, capacity, f.baseAddress!, args) }
                    }
                }
                guard n >= 0, Int(n) < capacity else { return max(Int(n), 0) }
                body(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self), Int(n))
                return -1
            }
        }
        let needed = attempt(128)
        if needed >= 0 { _ = attempt(needed + 1) }
    }
}
