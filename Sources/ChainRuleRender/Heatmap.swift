import ChainRule

/// A big tensor drawn as a small grid of coloured cells (`--tensors heatmap`):
/// its signs and magnitudes at a glance, next to its shape and `min … max`.
///
/// A tensor of R × C entries becomes at most `maxRows` × `maxColumns` cells;
/// each cell is the mean of the block of entries it covers. Colours run from
/// the background (zero) to blue (negative) or orange (positive) at the
/// largest |cell| of the tensor (Okabe–Ito blue and orange, safe for colour
/// blindness); the `print` theme uses grey for the magnitude only. Cells are
/// square, 2 to 8 points, so the glyph is at most 64 × 48 points.
struct Heatmap: Equatable {
    /// Cells per axis at most.
    static let maxColumns = 16
    static let maxRows = 12
    /// The glyph's largest width and height in points.
    static let maxWidth = 64.0
    static let maxHeight = 48.0

    /// Rows and columns of cells.
    let rows: Int
    let columns: Int
    /// Side of a cell in points.
    let cell: Int

    /// The grid for a tensor of `shape` (a vector is one row).
    init(shape: [Int]) {
        let r = shape.count == 2 ? shape[0] : 1
        let c = shape.last ?? 1
        rows = max(1, min(r, Self.maxRows))
        columns = max(1, min(c, Self.maxColumns))
        let side = min(Self.maxWidth / Double(columns), Self.maxHeight / Double(rows))
        cell = Int(max(2, min(8, side.rounded(.down))))
    }

    /// The entries `lower..<upper` of an axis of `n` that cell `i` of `cells` covers.
    static func block(_ i: Int, of cells: Int, _ n: Int) -> Range<Int> {
        (i * n / cells)..<max(i * n / cells + 1, (i + 1) * n / cells)
    }

    /// Each cell's mean, row by row; entries for which `isZero` is true count as 0.
    func means(_ t: Tensor, isZero: (Int) -> Bool) -> [Double] {
        let r = t.rank == 2 ? t.shape[0] : 1
        let c = t.lastAxisLength
        var out: [Double] = []
        out.reserveCapacity(rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                var sum = 0.0, count = 0
                for a in Self.block(i, of: rows, r) {
                    for b in Self.block(j, of: columns, c) {
                        let k = a * c + b
                        let x = t.scalars[k]
                        if x.isFinite { sum += isZero(k) ? 0 : x; count += 1 }
                    }
                }
                out.append(count == 0 ? .nan : sum / Double(count))
            }
        }
        return out
    }

    /// A cell's colour: `background` at 0, `negative`/`positive` at ±`scale`; NaN is grey.
    static func colour(_ x: Double, scale: Double, theme: FigureTheme) -> String {
        if x.isNaN { return theme.muted }
        guard scale > 0, x != 0 else { return theme.background }
        let t = min(1, abs(x) / scale)
        let end: String
        if theme.name == "print" { end = "#000000" } else { end = x < 0 ? "#0072b2" : "#e69f00" }
        return mix(theme.background, end, t)
    }

    /// `a` blended towards `b` by `t` (both `#rrggbb`).
    static func mix(_ a: String, _ b: String, _ t: Double) -> String {
        func channels(_ s: String) -> [Double] {
            let hex = Array(s.dropFirst())
            guard hex.count == 6 else { return [255, 255, 255] }
            return stride(from: 0, to: 6, by: 2).map { Double(Int(String(hex[$0...$0 + 1]), radix: 16) ?? 255) }
        }
        let x = channels(a), y = channels(b)
        let hexDigits = Array("0123456789abcdef")
        var out = "#"
        for k in 0..<3 {
            let v = Int((x[k] + (y[k] - x[k]) * t).rounded())
            out.append(hexDigits[v / 16]); out.append(hexDigits[v % 16])
        }
        return out
    }
}

extension DOTWriter {
    /// The heatmap glyph of `t` as an HTML-like table; `hidden` draws the
    /// same cells blank (a frame before the value is known, a worksheet box).
    func heatmapTable(_ t: Tensor?, shape: [Int], strings: [String]?, hidden: Bool, border: String) -> String {
        let map = Heatmap(shape: shape)
        var cells: [String]
        if let t, !hidden {
            let means = map.means(t) { k in strings.map { $0[k] == "0" } ?? false }
            let scale = means.reduce(0) { $1.isNaN ? $0 : Swift.max($0, abs($1)) }
            cells = means.map { Heatmap.colour($0, scale: scale, theme: theme) }
        } else {
            cells = Array(repeating: theme.background, count: map.rows * map.columns)
        }
        // Fixed size: a table in a wider cell would otherwise be stretched to fill it.
        let width = map.columns * map.cell + 2, height = map.rows * map.cell + 2
        var html = "<TABLE BORDER=\"1\" COLOR=\"\(border)\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\""
            + " FIXEDSIZE=\"TRUE\" WIDTH=\"\(width)\" HEIGHT=\"\(height)\">"
        for i in 0..<map.rows {
            html += "<TR>"
            for j in 0..<map.columns {
                html += "<TD FIXEDSIZE=\"TRUE\" WIDTH=\"\(map.cell)\" HEIGHT=\"\(map.cell)\" BGCOLOR=\"\(cells[i * map.columns + j])\"></TD>"
            }
            html += "</TR>"
        }
        return html + "</TABLE>"
    }
}
