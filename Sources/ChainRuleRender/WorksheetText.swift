import ChainRule
import Foundation

/// The words around a worksheet's figure: title, name line, instructions
/// and a legend of the conventions the figure uses (only those it uses).
/// Sizes are points on paper; `unit` converts them to the figure's points.
struct SheetText: Sendable {
    let title: String
    let instruction: String
    let legendItems: [String]
    /// Lines already wrapped, by width: a sheet asks for the same few widths many times.
    private let wrapped = WrappedLines()

    static let titleSize = 16.0
    static let nameSize = 12.0
    static let bodySize = 10.0
    static let legendSize = 9.0
    /// Text is wrapped to the narrowest page's width (A4 portrait).
    static let textWidth = 535.0
    /// The legend's sample label (value, rule, box) beside its text.
    static let sampleWidth = 96.0

    init(_ figure: Figure, title: String) {
        let output = figure.graph[figure.output].name ?? "L"
        self.title = title
        let graph = figure.graph
        var legend = ["On every edge: the value above the line; below it, in the box, ∂\(output)/∂(that value)."
                      + " The seed ∂\(output)/∂\(output) = 1 at the output is given."]
        var words: [String] = []
        var seen: Set<String> = []
        for node in graph.nodes {
            guard let op = node.operation, seen.insert(op.symbol).inserted else { continue }
            let word = Self.opWords[op.symbol] ?? op.scriptName
            words.append(word == op.symbol ? word : "\(op.symbol) \(word)")
        }
        if !words.isEmpty { legend.append("Circles are operations: " + words.joined(separator: ", ") + ". Inputs are on the left.") }
        let fansOut = graph.nodes.contains { node in
            if case .constant = node.kind { return false }
            return figure.consumers[node.id.index].count > 1
        }
        if fansOut {
            legend.append("A value used more than once splits at a dot: its gradient is the sum of the gradients of its uses.")
        }
        if figure.records.values.contains(where: { $0.reduction != nil }) {
            legend.append("(broadcast) Σ axis 0: the gradient is summed back to the operand's smaller shape.")
        }
        let big = figure.edges.contains { edge in
            !(edge.to == nil && edge.from == figure.output) && figure.gradient(on: edge) != nil
                && AnswerBoxes.asksBlock(graph[edge.from].shape)
        }
        if big {
            let n = AnswerBoxes.askedBlock
            legend.append("Matrices larger than 3×3: fill in only the shaded top-left \(n)×\(n) block; greyed · entries are not asked.")
        }
        self.legendItems = legend
        self.instruction = "Work backwards from the output: fill in each box with ∂\(output)/∂(the value above it)"
            + " = local derivative × the gradient arriving from the right."
    }

    static let opWords: [String: String] = [
        "+": "add", "−": "subtract", "×": "multiply", "÷": "divide", "×(−1)": "negate", "@": "matrix product",
        "exp": "exp", "log": "log", "1/x": "reciprocal", "x²": "square", "√": "square root", "σ": "sigmoid",
        "ReLU": "ReLU", "tanh": "tanh", "|x|": "absolute value", "max": "maximum", "min": "minimum",
        "ᵀ": "transpose", "Σ": "sum", "mean": "mean", "softmax": "softmax", "CE": "cross-entropy",
        "softmax+CE": "softmax with cross-entropy", "log softmax": "log softmax", "LReLU": "leaky ReLU",
    ]

    /// Lines of at most `width` points at `size` (estimated), broken between words.
    static func wrap(_ text: String, width: Double, size: Double) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && estimate(candidate, size: size) > width {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Width of running text (DejaVu Sans averages about 0.55 em a character).
    static func estimate(_ s: String, size: Double) -> Double { Double(s.count) * 0.56 * size }

    // Layout for a text width (points on paper).
    func instructions(_ width: Double) -> [String] {
        wrapped.lines(width, legend: false) { Self.wrap(instruction, width: width, size: Self.bodySize) }
    }
    func legendLines(_ width: Double) -> [String] {
        wrapped.lines(width, legend: true) {
            legendItems.flatMap { Self.wrap($0, width: width - Self.sampleWidth, size: Self.legendSize) }
        }
    }
    var titleHeight: Double { Self.titleSize * 1.6 }
    func nameHeight(_ width: Double) -> Double { Self.nameSize * 2.2 }
    func instructionsHeight(_ width: Double) -> Double { Double(instructions(width).count) * Self.bodySize * 1.35 + 4 }
    func headerHeight(_ width: Double) -> Double { titleHeight + nameHeight(width) + instructionsHeight(width) }
    func legendHeight(_ width: Double) -> Double { max(36, Double(legendLines(width).count) * Self.legendSize * 1.25 + 6) }

    func font(_ s: String, size: Double, color: String, unit: Double, bold: Bool = false) -> String {
        var inner = DOT.html(s)
        if bold { inner = "<B>" + inner + "</B>" }
        return "<FONT POINT-SIZE=\"\(format(size * unit))\" COLOR=\"\(color)\">\(inner)</FONT>"
    }

    func format(_ x: Double) -> String { String(Double(Int((x * 100).rounded())) / 100) }
    func points(_ x: Double) -> Int { max(1, Int(x.rounded())) }

    /// The header: title (and page), `Name ____ Date ____`, instructions.
    func header(width: Double, answerKey: Bool, page: Int, of pages: Int, theme: FigureTheme, unit u: Double) -> String {
        var heading = (answerKey ? "Answer key · " : "Worksheet · ") + title
        let pageText = pages > 1 ? "page \(page) of \(pages)" : ""
        // A long title is set smaller (down to 12 pt), then shortened.
        let size = max(12, min(Self.titleSize, width / (Double(heading.count) * 0.56 * 1.12)))
        while heading.count > 8 && Self.estimate(heading, size: size) * 1.12 > width { heading = String(heading.dropLast(2)) + "…" }
        var html = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\" WIDTH=\"\(points(width * u))\">"
        let blanks = "Name " + String(repeating: "_", count: 34) + "     Date " + String(repeating: "_", count: 16)
        let titleCell = "<TD ALIGN=\"LEFT\" VALIGN=\"TOP\" HEIGHT=\"\(points(titleHeight * u))\">"
            + font(heading, size: size, color: theme.text, unit: u, bold: true) + "</TD>"
        let nameCell = "<TD ALIGN=\"LEFT\" VALIGN=\"TOP\" HEIGHT=\"\(points(nameHeight(width) * u))\">"
            + font(blanks, size: Self.nameSize, color: theme.text, unit: u) + "</TD>"
        let pageCell = "<TD ALIGN=\"RIGHT\" VALIGN=\"TOP\">" + (pageText.isEmpty ? "" : font(pageText, size: 11, color: theme.muted, unit: u)) + "</TD>"
        html += "<TR>" + titleCell.replacingOccurrences(of: "<TD ", with: "<TD COLSPAN=\"2\" ") + "</TR>"
        html += "<TR>" + nameCell + pageCell + "</TR>"
        let columns = 2
        let lines = instructions(width).map { DOT.html($0) }.joined(separator: "<BR ALIGN=\"LEFT\"/>") + "<BR ALIGN=\"LEFT\"/>"
        html += "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\" VALIGN=\"TOP\" COLSPAN=\"\(columns)\" HEIGHT=\"\(points(instructionsHeight(width) * u))\">"
            + "<FONT POINT-SIZE=\"\(format(Self.bodySize * u))\" COLOR=\"\(theme.text)\">\(lines)</FONT></TD></TR>"
        return html + "</TABLE>"
    }

    /// The legend: a sample label (value, rule, box) and what the figure's marks mean.
    func legend(width: Double, theme: FigureTheme, unit u: Double) -> String {
        let sampleBox = "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" COLOR=\"\(theme.gradient)\" FIXEDSIZE=\"TRUE\" "
            + "WIDTH=\"\(points(30 * u))\" HEIGHT=\"\(points(14 * u))\"><TR><TD> </TD></TR></TABLE>"
        let sample = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">"
            + "<TR><TD>" + font("value", size: Self.legendSize, color: theme.text, unit: u) + "</TD></TR>"
            + "<TR><TD FIXEDSIZE=\"TRUE\" HEIGHT=\"\(points(1.5 * u))\" WIDTH=\"\(points(60 * u))\" BGCOLOR=\"\(theme.edge)\"></TD></TR>"
            + "<TR><TD CELLPADDING=\"\(points(2 * u))\">\(sampleBox)</TD></TR></TABLE>"
        let lines = legendLines(width).map { DOT.html($0) }.joined(separator: "<BR ALIGN=\"LEFT\"/>") + "<BR ALIGN=\"LEFT\"/>"
        return "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\" WIDTH=\"\(points(width * u))\" HEIGHT=\"\(points(legendHeight(width) * u))\">"
            + "<TR><TD WIDTH=\"\(points(Self.sampleWidth * u))\" VALIGN=\"TOP\">\(sample)</TD>"
            + "<TD ALIGN=\"LEFT\" BALIGN=\"LEFT\" VALIGN=\"TOP\">"
            + "<FONT POINT-SIZE=\"\(format(Self.legendSize * u))\" COLOR=\"\(theme.muted)\">\(lines)</FONT></TD></TR></TABLE>"
    }
}

/// The instruction and legend lines of one `SheetText`, wrapped once per width.
final class WrappedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [Key: [String]] = [:]

    private struct Key: Hashable {
        var width: Double
        var legend: Bool
    }

    /// The lines for `width` (`make` wraps them the first time).
    func lines(_ width: Double, legend: Bool, _ make: () -> [String]) -> [String] {
        let key = Key(width: width, legend: legend)
        lock.lock()
        if let lines = known[key] { lock.unlock(); return lines }
        lock.unlock()
        let lines = make()
        lock.lock()
        known[key] = lines
        lock.unlock()
        return lines
    }
}
