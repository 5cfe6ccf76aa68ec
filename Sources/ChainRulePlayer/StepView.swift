import ChainRule
import ChainRuleLessons
import ChainRuleRender

/// How text is drawn: with ANSI colour or plain, and how wide.
public struct TextStyle: Sendable {
    /// Whether to use ANSI colours (only on a terminal, never with `NO_COLOR`).
    public var color: Bool
    /// Columns to wrap the text at (at least 40).
    public var width: Int
    /// A style; `width` is raised to 40 if smaller.
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
/// any question. Readable without images, with or without colour, and
/// wrapped to `style.width` at word, element and operator boundaries.
public enum StepView {
    /// Header and body, one string (for printing every step).
    public static func render(_ lesson: Lesson, step index: Int, style: TextStyle, extra: [String] = []) -> String {
        (header(lesson, step: index, style: style) + body(lesson, step: index, style: style, extra: extra))
            .joined(separator: "\n")
    }

    /// Three lines that stay on screen: `N. Title … step k/n`, the step's
    /// title, a rule — each exactly fitting `style.width`.
    public static func header(_ lesson: Lesson, step index: Int, style: TextStyle) -> [String] {
        let step = lesson.steps[index]
        let progress = "step \(step.number)/\(lesson.steps.count)"
        let title = "\(lesson.number.map { "\($0). " } ?? "")\(lesson.title)"
        let rule = style.dim(String(repeating: "─", count: style.width))
        func line(_ left: String, _ paint: (String) -> String) -> String {
            let head = TerminalWrap.clip(left, width: max(1, style.width - progress.count - 2))
            let gap = max(2, style.width - TerminalWrap.width(head) - progress.count)
            return paint(head) + String(repeating: " ", count: gap) + style.accent(progress)
        }
        if title.count + 2 + progress.count <= style.width {
            return [line(title, style.bold), style.accent(TerminalWrap.clip(step.title, width: style.width)), rule]
        }
        // A long title keeps its line; `step k/n` moves to the step's line.
        return [style.bold(TerminalWrap.clip(title, width: style.width)), line(step.title, style.accent), rule]
    }

    /// Everything below the header, wrapped to `style.width`.
    public static func body(_ lesson: Lesson, step index: Int, style: TextStyle, extra: [String] = []) -> [String] {
        let step = lesson.steps[index]
        let width = style.width
        var out: [String] = []
        func add(_ line: String, indent: String? = nil) { out.append(contentsOf: TerminalWrap.wrap(line, width: width, indent: indent)) }
        if let prose = step.prose {
            out.append("")
            out.append(contentsOf: renderProse(prose, style: style))
        }
        if let s = step.section, step.kind != .check, step.kind != .training {
            out.append("")
            for line in graphTable(lesson.sections[s], step: step, style: style) { add(line) }
        }
        if !step.equations.isEmpty {
            out.append("")
            for line in step.equations { add("  " + style.bold(line), indent: "      ") }
        }
        if !step.table.isEmpty {
            out.append("")
            for line in step.table { add("  " + line) }
        }
        for line in extra { add("  " + line) }
        for note in step.notes {
            out.append("")
            for line in TerminalWrap.wrap("note: " + inline(note, style: style), width: width - 2, indent: "      ") {
                out.append("  " + style.accent(line))
            }
        }
        if let q = step.question {
            out.append("")
            for line in TerminalWrap.wrap("? " + inline(q, style: style), width: width - 2, indent: "  ") {
                out.append("  " + style.focus(line))
            }
            add("  " + style.dim("(think of your answer, then go on to see it)"))
        }
        return out
    }

    /// Nodes in order with operation, shape, value and gradient; then edges.
    static func graphTable(_ section: LessonSection, step: LessonStep, style: TextStyle) -> [String] {
        var out = nodeTable(section, step: step, style: style)
        let edges = edgeTable(section, step: step, style: style)
        if !edges.isEmpty {
            out.append("")
            out.append(contentsOf: edges)
        }
        return out
    }

    /// One row per node (constants left out): operation, shape, value and gradient.
    static func nodeTable(_ section: LessonSection, step: LessonStep, style: TextStyle) -> [String] {
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
            let value = step.knownValues.contains(node.id)
                ? fit(values[node.id.index], 34, zeroBelow: section.valueZero(node.id)) : "?"
            let grad: String
            let noGradient = node.isData ? "— (data)" : "— (target)"
            if step.knownGradients.contains(node.id) {
                grad = section.backward.gradient(of: node.id).map {
                    fit($0, 34, zeroBelow: section.gradientZero(node.id))
                } ?? noGradient
            } else {
                grad = section.backward.gradient(of: node.id) == nil ? noGradient : "?"
            }
            if node.id == step.focus { focusRows.insert(rows.count) }
            rows.append([labels[node.id], clip(op, 22), node.shape.isEmpty ? "()" : describeShape(node.shape), value, grad])
        }
        let gradientHeader = "gradient ∂\(NodeLabels.wrap(labels[section.output]))/∂node"
        let out = table(header: ["node", "computed as", "shape", "value", gradientHeader],
                        rows: rows, focus: focusRows, gradientColumn: 4, style: style)
        guard out.contains(where: { TerminalWrap.width($0) > style.width }) else { return out }
        // Too wide for the terminal: one block per node instead of columns.
        return cards(rows.map { r in (r[0] + "  " + r[1] + "  " + r[2], ["value " + r[3], gradientHeader.replacingOccurrences(of: "/∂node", with: "/∂" + NodeLabels.wrap(r[0])) + " " + r[4]]) },
                     focus: focusRows, style: style)
    }

    /// One row per edge (from constants left out): the value going forward, the gradient coming back.
    static func edgeTable(_ section: LessonSection, step: LessonStep, style: TextStyle) -> [String] {
        let g = section.graph
        let labels = section.labels
        let values = section.forward.values
        var edgeRows: [[String]] = []
        var edgeFocus: Set<Int> = []
        let focusEdges = Set(step.edges)
        for node in g.nodes {
            guard let op = node.operation else { continue }
            for (k, input) in node.inputs.enumerated() where g[input].kind != .constant {
                let key = EdgeKey(from: input, to: node.id, operand: k)
                let isTarget = op.targetOperands.contains(k)
                let value = step.knownValues.contains(input)
                    ? fit(values[input.index], 30, zeroBelow: section.valueZero(input)) : "?"
                var grad = "?"
                if isTarget { grad = "— (target)" }
                else if g[input].isData { grad = "— (data)" }
                else if step.knownGradients.contains(input),
                        let rec = section.backward.edges(into: input).first(where: { $0.to == node.id && $0.operand == k }) {
                    grad = fit(rec.contribution, 30, zeroBelow: section.edgeZero(rec))
                }
                if focusEdges.contains(key) { edgeFocus.insert(edgeRows.count) }
                let shape = g[input].shape.isEmpty ? "" : " " + describeShape(g[input].shape)
                edgeRows.append([clip(labels[input] + shape, 20) + " ──▶ " + clip(labels[node.id], 16) + " (\(op.symbol))", value, grad])
            }
        }
        guard !edgeRows.isEmpty else { return [] }
        let edges = table(header: ["edge", "value ▶", "◀ gradient"], rows: edgeRows, focus: edgeFocus,
                          gradientColumn: 2, style: style)
        guard edges.contains(where: { TerminalWrap.width($0) > style.width }) else { return edges }
        return cards(edgeRows.map { ($0[0], ["value ▶ " + $0[1], "◀ gradient " + $0[2]]) }, focus: edgeFocus, style: style)
    }

    /// Rows as blocks for a narrow terminal: the title line, then its fields indented.
    static func cards(_ rows: [(title: String, fields: [String])], focus: Set<Int>, style: TextStyle) -> [String] {
        var out: [String] = []
        for (i, r) in rows.enumerated() {
            let fields = r.fields.enumerated().map { k, f in
                k == r.fields.count - 1 && !f.hasSuffix("?") && !f.contains("—") ? style.gradient(f) : f
            }
            if focus.contains(i) {
                out.append(style.focus("▶ " + r.title))
                for f in r.fields { out.append(style.focus("      " + f)) }
            } else {
                out.append("  " + r.title)
                for f in fields { out.append("      " + f) }
            }
        }
        return out
    }

    /// A tensor in at most `width` columns (4 digits), fewer items and rows
    /// as needed; never cut inside a number. The shape is in its own column.
    static func fit(_ t: Tensor, _ width: Int, zeroBelow: Double) -> String {
        var text = ""
        for (items, rows) in [(4, 2), (3, 1), (2, 1)] {
            text = TensorFormat(number: NumberFormat(significantDigits: 4), maxItems: items, maxRows: rows, appendsShape: false)
                .string(t, zeroBelow: zeroBelow)
            if text.count <= width { return text }
        }
        // Still too wide: keep whole elements up to the width.
        var kept = ""
        for part in text.split(separator: " ", omittingEmptySubsequences: false) {
            if kept.count + part.count + 2 > width { break }
            kept += (kept.isEmpty ? "" : " ") + part
        }
        return kept + " …"
    }

    /// `s` in at most `n` characters, cut at a space (between words and
    /// operators) when it is too long, so no name or number is cut.
    static func clip(_ s: String, _ n: Int) -> String {
        if s.count <= n { return s }
        let head = s.prefix(n - 1)
        if let space = head.lastIndex(of: " "), space > head.startIndex { return String(head[..<space]) + " …" }
        return String(head) + "…"
    }

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

    /// Markdown prose for a terminal: headings bold, the inline marks
    /// (strong, emphasis, code; see `inline(_:style:)`) as terminal styles
    /// (without colour the marks are dropped and the words stay), paragraphs
    /// wrapped to the width.
    public static func renderProse(_ text: String, style: TextStyle) -> [String] {
        var out: [String] = []
        var inCode = false
        // A paragraph (or list item) being collected: Markdown joins its lines.
        var paragraph = ""
        var indent = ""
        func flush() {
            guard !paragraph.isEmpty else { return }
            out.append(contentsOf: TerminalWrap.wrap(inline(paragraph, style: style), width: style.width, indent: indent))
            paragraph = ""
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = raw.trimmingWhitespace()
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { flush(); inCode.toggle(); continue }
            if inCode {
                out.append(contentsOf: TerminalWrap.wrap("    " + style.accent(raw), width: style.width, indent: "      "))
                continue
            }
            if raw.hasPrefix("#") {
                flush()
                let title = raw.drop { $0 == "#" }.trimmingWhitespace()
                out.append(contentsOf: TerminalWrap.wrap(style.bold(inline(String(title), style: style)), width: style.width, indent: ""))
                continue
            }
            if trimmed.isEmpty { flush(); out.append(""); continue }
            let bullet = raw.hasPrefix("- ") || raw.hasPrefix("* ") || raw.hasPrefix("+ ")
            let numbered = raw.first.map { $0.isNumber } == true && raw.prefix { $0.isNumber }.count < raw.count
                && [".", ")"].contains(raw.dropFirst(raw.prefix { $0.isNumber }.count).first.map(String.init) ?? "")
            if bullet || numbered || raw.hasPrefix("|") || raw.hasPrefix(">") {
                flush()
                indent = bullet ? "  " : (numbered ? String(repeating: " ", count: raw.prefix { $0.isNumber }.count + 2) : "")
                paragraph = raw
                if raw.hasPrefix("|") { flush() }
                continue
            }
            if paragraph.isEmpty { indent = ""; paragraph = String(trimmed) } else { paragraph += " " + trimmed }
        }
        flush()
        return out
    }

    /// Inline Markdown (`InlineMarkdown`: `**bold**`, `*italic*`, `` `code` ``,
    /// `$math$`, links) for a terminal. With colour the marks become styles,
    /// without it they vanish and the words stay; a link shows its label and,
    /// when it is http, https or mailto, its address in parentheses.
    static func inline(_ s: String, style: TextStyle) -> String {
        var out = ""
        var bold = false, italic = false
        func reopen() -> String { (bold ? "\u{1B}[1m" : "") + (italic ? "\u{1B}[3m" : "") }
        func restyle() { if style.color { out += "\u{1B}[0m" + reopen() } }
        func render(_ spans: [InlineMarkdown.Span]) {
            for span in spans {
                switch span {
                case .text(let text), .math(let text): out += text
                case .code(let code): out += style.color ? "\u{1B}[36m" + code + "\u{1B}[0m" + reopen() : code
                case .strongStart: bold = true; restyle()
                case .strongEnd: bold = false; restyle()
                case .emphasisStart: italic = true; restyle()
                case .emphasisEnd: italic = false; restyle()
                case .link(let label, let url):
                    render(label)
                    if let url { out += " (" + url + ")" }
                }
            }
        }
        render(InlineMarkdown.parse(s))
        return out
    }
}
