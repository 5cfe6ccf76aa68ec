import ChainRule
import Foundation

/// Numbers as a lesson's author writes them (`-2`, `−0.0989`, `8.8e-8`,
/// `[1, −2, 3]`), and the tolerance a written number implies.
///
/// A number written with a decimal point claims every digit it shows: it
/// must be the engine's value rounded to that many decimals, so its
/// tolerance is half a unit of the last digit (`0.0989` → ± 0.00005,
/// `8.8e-8` → ± 5e-10). A whole number (`-2`, `220`, `1e-7`) claims the
/// value exactly (up to `exactRelativeTolerance`).
package enum LessonNumber {
    /// Relative slack for "exact" numbers: room for floating-point rounding only.
    package static let exactRelativeTolerance = 1e-9

    /// A single number; accepts the Unicode minus `−` and a leading `+`.
    package static func parse(_ text: String) -> Double? {
        var s = text.trimmingWhitespace().replacingOccurrences(of: "−", with: "-")
        if s.hasPrefix("+") { s.removeFirst() }
        guard let first = s.first, first == "-" || first == "." || first.isNumber else { return nil }
        guard s.allSatisfy({ $0.isASCII && ($0.isNumber || "-+.eE".contains($0)) }) else { return nil }
        return Double(s)
    }

    /// A number or a rectangular array of rank 1 or 2: `3`, `[1, −2]`, `[[1, 2], [3, 4]]`.
    package static func parseTensor(_ text: String) -> Tensor? {
        let s = String(text.trimmingWhitespace())
        if !s.hasPrefix("[") { return parse(s).map { Tensor($0) } }
        guard s.hasSuffix("]") else { return nil }
        let inner = String(s.dropFirst().dropLast()).trimmingWhitespace()
        if inner.hasPrefix("[") {
            var rows: [[Double]] = []
            var rest = Substring(inner)
            while let open = rest.firstIndex(of: "[") {
                guard let close = rest[open...].firstIndex(of: "]") else { return nil }
                let between = rest[rest.startIndex..<open].trimmingWhitespace()
                guard between.isEmpty || between == "," else { return nil }
                let items = rest[rest.index(after: open)..<close].split(separator: ",").map { parse(String($0)) }
                guard !items.isEmpty, items.allSatisfy({ $0 != nil }) else { return nil }
                rows.append(items.map { $0! })
                rest = rest[rest.index(after: close)...]
            }
            guard rest.trimmingWhitespace().isEmpty, let width = rows.first?.count, rows.allSatisfy({ $0.count == width }) else { return nil }
            return Tensor(shape: [rows.count, width], scalars: rows.flatMap { $0 })
        }
        let items = inner.split(separator: ",").map { parse(String($0)) }
        guard !items.isEmpty, items.allSatisfy({ $0 != nil }) else { return nil }
        return Tensor(shape: [items.count], scalars: items.map { $0! })
    }

    /// Half a unit of the last written decimal (0 for a whole number); for an
    /// array, the largest of its elements'.
    package static func impliedTolerance(_ text: String) -> Double {
        var best = 0.0
        for token in text.split(whereSeparator: { $0 == "," || $0 == "[" || $0 == "]" || $0 == " " }) {
            let s = token.replacingOccurrences(of: "−", with: "-").lowercased()
            let parts = s.split(separator: "e", maxSplits: 1)
            guard let mantissa = parts.first, let dot = mantissa.firstIndex(of: ".") else { continue }
            let decimals = mantissa.distance(from: dot, to: mantissa.endIndex) - 1
            let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
            best = max(best, 0.5 * pow(10, Double(exponent - decimals)))
        }
        return best
    }

    /// `true` when `actual` matches the stated number within `tolerance`
    /// (plus floating-point slack).
    package static func matches(_ actual: Double, _ stated: Double, tolerance: Double) -> Bool {
        if actual.isNaN || stated.isNaN { return actual.isNaN && stated.isNaN }
        if actual.isInfinite || stated.isInfinite { return actual == stated }
        return abs(actual - stated) <= tolerance * (1 + 1e-12) + exactRelativeTolerance * max(1, abs(stated))
    }
}
