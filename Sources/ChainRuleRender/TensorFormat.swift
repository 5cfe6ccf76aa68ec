import ChainRule

/// The one way a tensor is written on one line for people: `2.2`,
/// `[1, −2, 3]`, `[[1, 2], [3, 4]]`. Long vectors and big matrices are cut
/// with `…` (first items, `…`, the last) and their shape appended:
/// `[0.1, 0.2, 0.3, …, 0.9] (64,)`. Numbers use `NumberFormat`; entries
/// that are zero up to rounding (`RoundingNoise`) show as `0`.
///
/// Machine-readable output (`eval --json`, `--format dot`) never uses this.
public struct TensorFormat: Sendable {
    /// How each number is written.
    public var number: NumberFormat
    /// Items shown per row before cutting (at least 2).
    public var maxItems: Int
    /// Rows of a matrix shown before cutting (at least 1).
    public var maxRows: Int
    /// Whether a cut tensor ends with its shape (off where a shape column is beside it).
    public var appendsShape: Bool

    /// A format; the limits are kept at their minimums (2 items, 1 row) or above.
    public init(number: NumberFormat = .text, maxItems: Int = 6, maxRows: Int = 3, appendsShape: Bool = true) {
        self.number = number
        self.maxItems = max(2, maxItems)
        self.maxRows = max(1, maxRows)
        self.appendsShape = appendsShape
    }

    /// Terminal and slide text: 6 significant digits.
    public static let text = TensorFormat()

    /// With `digits` significant digits (same cutting).
    public func digits(_ digits: Int) -> TensorFormat {
        var copy = self
        copy.number.significantDigits = max(1, min(17, digits))
        return copy
    }

    /// Formats `t`; entries with magnitude below `zeroBelow` show as `0`.
    public func string(_ t: Tensor, zeroBelow: Double = 0) -> String {
        func item(_ x: Double) -> String { number.string(x, zeroBelow: zeroBelow) }
        func row(_ items: ArraySlice<Double>) -> String {
            if items.count <= maxItems { return "[" + items.map(item).joined(separator: ", ") + "]" }
            let head = items.prefix(maxItems - 1).map(item)
            return "[" + head.joined(separator: ", ") + ", …, " + item(items.last!) + "]"
        }
        switch t.rank {
        case 0: return item(t.scalar)
        case 1:
            let s = row(t.scalars[...])
            return appendsShape && t.count > maxItems ? s + " " + describeShape(t.shape) : s
        default:
            let r = t.shape[0], c = t.shape[1]
            var rows: [String] = []
            for i in 0..<min(r, maxRows) { rows.append(row(t.scalars[(i * c)..<(i * c + c)])) }
            if r > maxRows { rows.append("…") }
            let s = "[" + rows.joined(separator: ", ") + "]"
            return appendsShape && (r > maxRows || c > maxItems) ? s + " " + describeShape(t.shape) : s
        }
    }

    /// Formats `t` with the noise threshold of scale `m` (see `RoundingNoise`).
    public func string(_ t: Tensor, noiseScale m: Double) -> String {
        string(t, zeroBelow: RoundingNoise.threshold(scale: m))
    }
}
