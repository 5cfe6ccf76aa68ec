import ChainRule
import ChainRuleRender
import Foundation

/// Number and tensor formatting shared by every text the lessons print.
///
/// Numbers use a fixed number of significant digits (6 by default) with
/// trailing zeros dropped, so `220.00000000000003` prints as `220` and
/// `1.1` as `1.1`. `precise` keeps every digit of a `Double`.
public enum LessonFormat {
    /// `x` with at most `digits` significant digits.
    public static func number(_ x: Double, digits: Int = 6) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return "0" }
        var s = String(format: "%.\(digits)g", x)
        if s.contains("e") {
            // 1.50000e-05 → 1.5e-05
            let parts = s.split(separator: "e", maxSplits: 1).map(String.init)
            s = NumberFormat.trimZeros(parts[0]) + "e" + parts[1]
        } else {
            s = NumberFormat.trimZeros(s)
        }
        return s == "-0" ? "0" : s
    }

    /// Every digit needed to read the `Double` back (`3.297442541400256`).
    public static func precise(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        var s = "\(x)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// A tensor on one line: `2.2`, `[1, -2, 3]`, `[[1, 2], [3, 4]]`; long
    /// vectors and big matrices are cut with `…` and their shape appended.
    public static func tensor(_ t: Tensor, digits: Int = 4, maxItems: Int = 6, maxRows: Int = 3) -> String {
        func row(_ xs: ArraySlice<Double>) -> String {
            let items = Array(xs)
            if items.count <= maxItems {
                return "[" + items.map { number($0, digits: digits) }.joined(separator: ", ") + "]"
            }
            let head = items.prefix(maxItems - 1).map { number($0, digits: digits) }
            return "[" + head.joined(separator: ", ") + ", …, " + number(items.last!, digits: digits) + "]"
        }
        switch t.rank {
        case 0: return number(t.scalar, digits: digits)
        case 1:
            let s = row(t.scalars[...])
            return t.count > maxItems ? s + " " + describeShape(t.shape) : s
        default:
            let r = t.shape[0], c = t.shape[1]
            var rows: [String] = []
            for i in 0..<min(r, maxRows) { rows.append(row(t.scalars[(i * c)..<(i * c + c)])) }
            if r > maxRows { rows.append("…") }
            let s = "[" + rows.joined(separator: ", ") + "]"
            return (r > maxRows || c > maxItems) ? s + " " + describeShape(t.shape) : s
        }
    }
}
