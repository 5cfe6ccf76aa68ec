import ChainRule
import Foundation

/// A learner's typed answer to a lesson question, checked against the
/// engine's number.
///
/// The learner may type a number (`2.2`, `-0.5`, `1e-3`), a small
/// arithmetic expression (`2*3`, `1-0.62`, `(1 + 2) / 4`, `2^3`, with
/// `×`, `÷`, `·` and `−` accepted too), or, for a vector or matrix, the
/// entries separated by commas (`[1, -2, 3]`, `1, -2, 3`; the brackets of a
/// matrix are optional, entries row by row). An answer is right when every
/// entry is within `relativeTolerance` (1 %) of the engine's number, or
/// within `absoluteTolerance` of it when that number is (nearly) zero.
package enum QuizAnswer {
    /// An entry is right within 1 % of the answer…
    package static let relativeTolerance = 0.01
    /// …or within 1e-6 of it (answers that are 0).
    package static let absoluteTolerance = 1e-6
    /// Longest input considered (anything longer is refused at once).
    package static let maximumLength = 200

    package enum Verdict: Equatable, Sendable {
        case right
        case wrong
        /// Not an answer the checker can read (the message says why); not counted as a try.
        case unreadable(String)
    }

    /// Checks `input` against `answer`.
    package static func check(_ input: String, against answer: Tensor) -> Verdict {
        let entries: [Double]
        switch parse(input) {
        case .failure(let error): return .unreadable(error.message)
        case .success(let values): entries = values
        }
        guard entries.count == answer.count else {
            return .unreadable(answer.count == 1
                ? "type one number"
                : "type \(answer.count) numbers separated by commas (shape \(describeShape(answer.shape)))")
        }
        let ok = zip(entries, answer.scalars).allSatisfy { typed, exact in
            abs(typed - exact) <= max(relativeTolerance * abs(exact), absoluteTolerance)
        }
        return ok ? .right : .wrong
    }

    /// The numbers of an answer: one per comma-separated expression.
    package static func parse(_ input: String) -> Result<[Double], QuizParseError> {
        guard input.count <= maximumLength else { return .failure(QuizParseError("the answer is too long")) }
        let cleaned = input.filter { $0 != "[" && $0 != "]" }
        let parts = cleaned.split(separator: ",", omittingEmptySubsequences: false)
        var out: [Double] = []
        for part in parts {
            var p = ExpressionParser(String(part))
            guard let v = p.parse() else { return .failure(QuizParseError(p.error ?? "cannot read '\(part.trimmingWhitespace())'")) }
            out.append(v)
        }
        return .success(out)
    }

    package struct QuizParseError: Error, Sendable, Equatable, ExpressibleByStringLiteral {
        package let message: String
        package init(_ message: String) { self.message = message }
        package init(stringLiteral value: String) { self.message = value }
    }

    /// `+ -` < `* /` < unary minus < `^` (right), parentheses; numbers only.
    struct ExpressionParser {
        let chars: [Character]
        var k = 0
        var error: String?
        var depth = 0

        init(_ text: String) {
            chars = Array(text.map { c -> Character in
                switch c {
                case "−": return "-"
                case "×", "·", "*": return "*"
                case "÷": return "/"
                default: return c
                }
            })
        }

        mutating func parse() -> Double? {
            skip()
            guard k < chars.count else { error = "type a number, like 2.2 or 2*1.1"; return nil }
            guard let v = sum() else { return nil }
            skip()
            if k < chars.count { error = "unexpected '\(chars[k])'"; return nil }
            guard v.isFinite else { error = "that is not a finite number"; return nil }
            return v
        }

        mutating func skip() { while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 } }

        mutating func sum() -> Double? {
            guard var v = product() else { return nil }
            while true {
                skip()
                guard k < chars.count, chars[k] == "+" || chars[k] == "-" else { return v }
                let op = chars[k]; k += 1
                guard let r = product() else { return nil }
                v = op == "+" ? v + r : v - r
            }
        }

        mutating func product() -> Double? {
            guard var v = unary() else { return nil }
            while true {
                skip()
                guard k < chars.count, chars[k] == "*" || chars[k] == "/" else { return v }
                let op = chars[k]; k += 1
                guard let r = unary() else { return nil }
                v = op == "*" ? v * r : v / r
            }
        }

        mutating func unary() -> Double? {
            skip()
            if k < chars.count, chars[k] == "-" { k += 1; return unary().map { -$0 } }
            if k < chars.count, chars[k] == "+" { k += 1; return unary() }
            return power()
        }

        mutating func power() -> Double? {
            guard let base = atom() else { return nil }
            skip()
            if k < chars.count, chars[k] == "^" {
                k += 1
                guard let e = unary() else { return nil }
                return Foundation.pow(base, e)
            }
            return base
        }

        mutating func atom() -> Double? {
            skip()
            guard k < chars.count else { error = "the answer ends too early"; return nil }
            if chars[k] == "(" {
                depth += 1
                guard depth <= 50 else { error = "too many parentheses"; return nil }
                k += 1
                guard let v = sum() else { return nil }
                skip()
                guard k < chars.count, chars[k] == ")" else { error = "missing ')'"; return nil }
                k += 1
                depth -= 1
                return v
            }
            let start = k
            while k < chars.count, chars[k].isASCII, chars[k].isNumber || chars[k] == "." { k += 1 }
            if k < chars.count, k > start, chars[k] == "e" || chars[k] == "E" {
                var m = k + 1
                if m < chars.count, chars[m] == "-" || chars[m] == "+" { m += 1 }
                let digits = m
                while m < chars.count, chars[m].isASCII, chars[m].isNumber { m += 1 }
                if m > digits { k = m }
            }
            guard k > start, let v = Double(String(chars[start..<k])) else {
                error = k < chars.count ? "unexpected '\(chars[k])'; type a number or an expression like 2*3" : "type a number"
                return nil
            }
            return v
        }
    }
}
