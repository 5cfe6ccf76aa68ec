import ChainRule
import ChainRuleLessons

/// How text is drawn: with ANSI colour or plain, and how wide.
public struct TextStyle: Sendable {
    public var color: Bool
    public var width: Int
    public init(color: Bool, width: Int = 100) { self.color = color; self.width = max(width, 40) }

    func paint(_ s: String, _ codes: String) -> String { color && !s.isEmpty ? "\u{1B}[\(codes)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { paint(s, "1") }
    func dim(_ s: String) -> String { paint(s, "2") }
    func gradient(_ s: String) -> String { paint(s, "31") }
    func accent(_ s: String) -> String { paint(s, "36") }
    func focus(_ s: String) -> String { paint(s, "1;33") }
}

/// The text view of one step: header and progress, prose, the graph as a
/// table (nodes in order with value and gradient, then the edges, the
/// step's node and edges marked `▶`), the chain-rule equations, notes and
/// any question. Readable without images, with or without colour.
public enum StepView {
    public static func render(_ lesson: Lesson, step index: Int, style: TextStyle, extra: [String] = []) -> String {
        let step = lesson.steps[index]
        var out: [String] = []
        let progress = "step \(step.number)/\(lesson.steps.count)"
        let head = "\(lesson.number.map { "\($0). " } ?? "")\(lesson.title)"
        let gap = max(2, style.width - head.count - progress.count)
        out.append(style.bold(head) + String(repeating: " ", count: gap) + style.accent(progress))
        out.append(style.accent(step.title))
        out.append(style.dim(String(repeating: "─", count: min(style.width, 100))))
        if let prose = step.prose {
            out.append("")
            out.append(contentsOf: renderProse(prose, style: style))
        }
        if let s = step.section, step.kind != .check, step.kind != .training {
            out.append("")
            out.append(contentsOf: graphTable(lesson.sections[s], step: step, style: style))
        }
        if !step.equations.isEmpty {
            out.append("")
            for line in step.equations { out.append("  " + style.bold(line)) }
        }
        if !step.table.isEmpty {
            out.append("")
            for line in step.table { out.append("  " + line) }
        }
        for line in extra { out.append("  " + line) }
        for note in step.notes {
            out.append("")
            out.append(contentsOf: wrap("note: " + note, width: style.width - 2, indent: "        ").map { "  " + style.accent($0) })
        }
        if let q = step.question {
            out.append("")
            out.append(contentsOf: wrap("? " + q, width: style.width - 2, indent: "  ").map { "  " + style.focus($0) })
            out.append("  " + style.dim("(think of your answer, then go on to see it)"))
        }
        return out.joined(separator: "\n")
    }

    /// Nodes in order with operation, shape, value and gradient; then edges.
    static func graphTable(_ section: LessonSection, step: LessonStep, style: TextStyle) -> [String] {
        let g = section.graph
        let labels = section.labels
        let values = section.forward.values
        var rows: [[String]] = []
        var focusRows: Set<Int> = []
        for node in g.nodes where node.kind != .constant {
            let op: String
            switch node.kind {
            case .leaf: op = "input"
            case .constant: op = "constant"
            case .operation(let o): op = NodeLabels.expression(o, node.inputs.map { labels[$0] })
            }
            let value = step.knownValues.contains(node.id) ? LessonFormat.tensor(values[node.id.index], digits: 4, maxItems: 4, maxRows: 2) : "?"
            let grad: String
            if step.knownGradients.contains(node.id) {
                grad = section.backward.gradient(of: node.id).map { LessonFormat.tensor($0, digits: 4, maxItems: 4, maxRows: 2) } ?? "— (target)"
            } else {
                grad = section.backward.gradient(of: node.id) == nil ? "— (target)" : "?"
            }
            if node.id == step.focus { focusRows.insert(rows.count) }
            rows.append([labels[node.id], clip(op, 22), node.shape.isEmpty ? "()" : describeShape(node.shape), clip(value, 34), clip(grad, 34)])
        }
        var out = table(header: ["node", "computed as", "shape", "value", "gradient ∂\(NodeLabels.wrap(labels[section.output]))/∂node"],
                        rows: rows, focus: focusRows, gradientColumn: 4, style: style)
        // Edges: value forward, gradient backward.
        var edgeRows: [[String]] = []
        var edgeFocus: Set<Int> = []
        let focusEdges = Set(step.edges)
        for node in g.nodes {
            guard let op = node.operation else { continue }
            for (k, input) in node.inputs.enumerated() where g[input].kind != .constant {
                let key = EdgeKey(from: input, to: node.id, operand: k)
                let isTarget = op.targetOperands.contains(k)
                let value = step.knownValues.contains(input) ? LessonFormat.tensor(values[input.index], digits: 4, maxItems: 3, maxRows: 1) : "?"
                var grad = "?"
                if isTarget { grad = "— (target)" }
                else if step.knownGradients.contains(input),
                        let rec = section.backward.edges(into: input).first(where: { $0.to == node.id && $0.operand == k }) {
                    grad = LessonFormat.tensor(rec.contribution, digits: 4, maxItems: 3, maxRows: 1)
                }
                if focusEdges.contains(key) { edgeFocus.insert(edgeRows.count) }
                let shape = g[input].shape.isEmpty ? "" : " " + describeShape(g[input].shape)
                edgeRows.append([clip(labels[input] + shape, 20) + " ──▶ " + clip(labels[node.id], 16) + " (\(op.symbol))", clip(value, 30), clip(grad, 30)])
            }
        }
        if !edgeRows.isEmpty {
            out.append("")
            out.append(contentsOf: table(header: ["edge", "value ▶", "◀ gradient"], rows: edgeRows, focus: edgeFocus,
                                         gradientColumn: 2, style: style))
        }
        return out
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    static func table(header: [String], rows: [[String]], focus: Set<Int>, gradientColumn: Int, style: TextStyle) -> [String] {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> [String] {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
        }
        var out = ["  " + style.dim(line(header).joined(separator: "  "))]
        for (i, r) in rows.enumerated() {
            let cells = line(r)
            if focus.contains(i) {
                out.append(style.focus("▶ " + cells.joined(separator: "  ")))
            } else {
                let painted = cells.enumerated().map { j, c in j == gradientColumn && !c.hasPrefix("?") && !c.hasPrefix("—") ? style.gradient(c) : (c.hasPrefix("?") ? style.dim(c) : c) }
                out.append("  " + painted.joined(separator: "  "))
            }
        }
        return out
    }

    /// Markdown prose for a terminal: headings bold, `**bold**` and `` `code` ``
    /// coloured (or left as written without colour), paragraphs wrapped.
    public static func renderProse(_ text: String, style: TextStyle) -> [String] {
        var out: [String] = []
        var inCode = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if raw.trimmingWhitespace().hasPrefix("```") || raw.trimmingWhitespace().hasPrefix("~~~") { inCode.toggle(); continue }
            if inCode { out.append("    " + style.accent(raw)); continue }
            if raw.hasPrefix("#") {
                let title = raw.drop { $0 == "#" }.trimmingWhitespace()
                out.append(style.bold(String(title)))
                continue
            }
            let indent = raw.hasPrefix("- ") || raw.hasPrefix("* ") ? "  " : (raw.first.map { $0.isNumber } == true && raw.contains(". ") ? "   " : "")
            for line in wrap(raw, width: style.width - 2, indent: indent) { out.append(inline(line, style: style)) }
        }
        return out
    }

    static func inline(_ s: String, style: TextStyle) -> String {
        guard style.color else { return s }
        var out = ""
        var bold = false, code = false
        var chars = Array(s)[...]
        while let c = chars.first {
            if c == "*", chars.dropFirst().first == "*" {
                bold.toggle(); out += bold ? "\u{1B}[1m" : "\u{1B}[0m"; chars = chars.dropFirst(2); continue
            }
            if c == "`" { code.toggle(); out += code ? "\u{1B}[36m" : "\u{1B}[0m"; chars = chars.dropFirst(); continue }
            out.append(c)
            chars = chars.dropFirst()
        }
        if bold || code { out += "\u{1B}[0m" }
        return out
    }

    /// Word-wraps one line; continuation lines start with `indent`.
    static func wrap(_ s: String, width: Int, indent: String) -> [String] {
        if s.count <= width { return [s] }
        var lines: [String] = []
        var current = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = indent + word
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
