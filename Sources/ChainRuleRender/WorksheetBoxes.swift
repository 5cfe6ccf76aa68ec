import ChainRule

/// The answer boxes of a worksheet (`FigureOptions.worksheet`).
///
/// Every box of a sheet has the same size, in points of the figure, so a
/// box's width says nothing about its answer: `WorksheetPage` makes them at
/// least 15 × 8 mm on paper and wide enough for the widest answer on the
/// sheet. A vector or matrix with an axis longer than
/// `largestAskedWhole` asks only for its top-left `askedBlock` × `askedBlock`
/// corner, highlighted; the rest of its entries are greyed dots.
/// `filled` writes the answers into the same boxes: the answer key, which
/// then has exactly the worksheet's layout.
public struct AnswerBoxes: Sendable, Equatable {
    /// Width of every box (points of the figure).
    public var width: Double
    /// Height of every box (points of the figure).
    public var height: Double
    /// The answer key: the answers written in the boxes.
    public var filled: Bool

    /// Tensors with no axis longer than this are asked for whole.
    public static let largestAskedWhole = 3
    /// The rows and columns asked of a larger tensor (its top-left corner).
    public static let askedBlock = 2
    /// Font size (points of the figure) of an answer written in a box.
    public static let answerSize = 13.0

    /// Boxes of `width` × `height` points, blank unless `filled`.
    public init(width: Double = 44, height: Double = 24, filled: Bool = false) {
        self.width = width
        self.height = height
        self.filled = filled
    }

    /// Whether a tensor of `shape` is asked only for its top-left block.
    public static func asksBlock(_ shape: [Int]) -> Bool {
        shape.contains { $0 > largestAskedWhole }
    }

    /// Whether the entry at flat index `index` of a tensor of `shape` is asked for.
    public static func asks(_ index: Int, of shape: [Int]) -> Bool {
        guard asksBlock(shape) else { return true }
        let columns = shape.last ?? 1
        let row = shape.count == 2 ? index / columns : 0
        return row < askedBlock && index % columns < askedBlock
    }
}

extension Figure {
    /// The answers a worksheet of this figure asks for, as they are written
    /// (every gradient edge but the seed; the asked entries of each tensor).
    func worksheetAnswers() -> [String] {
        var out: [String] = []
        for edge in edges where !(edge.to == nil && edge.from == output) {
            guard let strings = textCache.gradient(edge, self) else { continue }
            let shape = graph[edge.from].shape
            for (i, s) in strings.enumerated() where AnswerBoxes.asks(i, of: shape) {
                out.append(options.theme.gradientPrefix + s)
                if i > 64 { break }
            }
        }
        return out
    }

    /// Width (points) of the widest answer a worksheet asks for, as written in a box.
    func widestWorksheetAnswer() -> Double {
        worksheetAnswers().map { TextWidth.estimate($0, size: AnswerBoxes.answerSize) }.max() ?? 0
    }
}

extension DOTWriter {
    /// One answer box of a worksheet: blank, or with `answer` in it (the key).
    /// `highlighted` marks the asked block of a large tensor.
    func answerBox(_ answer: String?, highlighted: Bool) -> String {
        let boxes = figure.options.answerBoxes
        let w = Int(boxes.width.rounded())
        let h = Int(boxes.height.rounded())
        let fill = highlighted ? " BGCOLOR=\"\(theme.highlightFill)\"" : ""
        let content = answer.map { gradientText($0, size: AnswerBoxes.answerSize, prefixed: false) } ?? " "
        return "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\" COLOR=\"\(theme.gradient)\"\(fill)>"
            + "<TR><TD FIXEDSIZE=\"TRUE\" WIDTH=\"\(w - 2)\" HEIGHT=\"\(h - 2)\" ALIGN=\"CENTER\" VALIGN=\"MIDDLE\">\(content)</TD></TR></TABLE>"
    }

    /// An entry of a large tensor that the worksheet does not ask for.
    func greyedEntry() -> String {
        text("·", color: theme.muted, size: valueSize)
    }
}
