import ChainRule

/// How an edge label shows a vector or matrix larger than the figure's
/// `maxMatrixRows` × `maxMatrixColumns` (`--max-entries R×C`).
public enum TensorDisplay: String, Sendable, CaseIterable {
    /// The first rows and columns, an ellipsis, and the last row and column.
    case full
    /// The top-left corner (`⋯` and `⋮` beyond it) with the range `min … max`
    /// under it: reads at slide size. Tensors within the limit are shown whole.
    case compact
    /// No entries for a large tensor: a bracketed `⋱`, its shape and range.
    case shape
    /// A large tensor as a small grid of coloured cells (its signs and
    /// magnitudes, `Heatmap.swift`) with its range `min … max`.
    case heatmap
    /// `compact`, or `heatmap` when the whole figure would otherwise read
    /// below 10 px on a 1280 × 720 slide (see `FigureOptions.fitToSlide`).
    case auto
}

// Compact tensors in the DOT writer: which rows and columns an edge label
// shows, and the `min … max` line under a truncated value or gradient.
extension DOTWriter {
    /// The display in effect (`auto` resolved: heatmaps in a figure fitted to a slide).
    var tensorDisplay: TensorDisplay {
        switch figure.options.tensors {
        case .auto: return figure.options.slideFit == nil ? .compact : .heatmap
        case let d: return d
        }
    }

    /// Whether a tensor of `shape` is drawn as a heatmap glyph (past the limit, with `heatmap`).
    func isHeatmap(_ shape: [Int]) -> Bool { tensorDisplay == .heatmap && isTruncated(shape) }

    /// Rows or columns to show of `n` with at most `limit` cells (nil = the ellipsis).
    func shown(_ n: Int, max limit: Int, truncated: Bool) -> [Int?] {
        switch tensorDisplay {
        case .full: return visible(n, max: limit)
        case .compact, .auto: return n <= limit ? Array(0..<n) : Array(0..<(limit - 1)) + [nil]
        case .shape: return truncated ? [nil] : Array(0..<n)
        case .heatmap: return n <= limit ? Array(0..<n) : Array(0..<(limit - 1)) + [nil]  // a tensor left as numbers: compact
        }
    }

    /// Whether a tensor of `shape` is larger than the figure shows whole.
    func isTruncated(_ shape: [Int]) -> Bool {
        guard !shape.isEmpty else { return false }
        let rows = shape.count == 2 ? shape[0] : 1
        if let dense = figure.options.slideFit?.denseMatrixLimit, shape.count == 2, shape[0] * shape[1] > dense { return true }
        return rows > figure.options.maxMatrixRows || (shape.last ?? 1) > figure.options.maxMatrixColumns
    }

    /// The rows and columns of a label grid for `shape` (a heatmap glyph: one cell).
    func gridIndices(_ shape: [Int]) -> (rows: [Int?], cols: [Int?]) {
        if figure.options.worksheet, AnswerBoxes.asksBlock(shape) {
            // A worksheet shows what it asks of a large tensor: the top-left block, then ⋯ and ⋮.
            let n = AnswerBoxes.askedBlock
            func axis(_ length: Int) -> [Int?] { length <= n ? Array(0..<length) : Array(0..<n) + [nil] }
            return (axis(shape.count == 2 ? shape[0] : 1), axis(shape.last ?? 1))
        }
        if isHeatmap(shape) { return ([0], [0]) }
        let truncated = isTruncated(shape)
        return (shown(shape.count == 2 ? shape[0] : 1, max: figure.options.maxMatrixRows, truncated: truncated),
                shown(shape.last ?? 1, max: figure.options.maxMatrixColumns, truncated: truncated))
    }

    /// Flat indices of the entries a grid shows.
    func shownEntries(_ grid: LabelGrid) -> [Int] {
        if grid.isScalar { return [0] }
        let width = grid.shape.last ?? 1
        var out: [Int] = []
        for r in grid.rows { for c in grid.cols { if let r, let c { out.append(r * width + c) } } }
        return out
    }

    /// Whether labels of `shape` get a range line (`min … max`).
    func showsRange(_ shape: [Int]) -> Bool {
        tensorDisplay != .full && (isTruncated(shape) || (figure.options.worksheet && AnswerBoxes.asksBlock(shape)))
    }

    /// `−0.87 … 0.62` for a tensor (NaN entries are skipped; all NaN: `nan`).
    func rangeText(_ t: Tensor) -> String {
        var low = Double.infinity, high = -Double.infinity
        for x in t.scalars where !x.isNaN { low = Swift.min(low, x); high = Swift.max(high, x) }
        guard low <= high else { return format.string(.nan) }
        return format.string(low) + " … " + format.string(high)
    }

    /// The range row of a label: `text` in `color` across the grid.
    func rangeRow(_ grid: LabelGrid, _ content: String, color: String) -> String {
        grid.wideRow(text(content, color: color, size: valueSize), padding: 1)
    }
}

extension DOTWriter {
    /// Tensor entries on edge labels: larger in compact mode (fewer entries, read from afar).
    var compactEntrySize: Double { tensorDisplay == .full ? matrixSize : 12 }
}
