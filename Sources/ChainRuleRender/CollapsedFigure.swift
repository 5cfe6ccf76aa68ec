import ChainRule

/// A figure with some groups folded into one box each (`--collapse`, in
/// the spirit of torchview's depth): a neuron becomes a table of its inputs
/// (with the weight each one is multiplied by), its other parameters and its
/// output, every one with its value and its gradient.
///
/// - An **input row** shows the value arriving from outside and the share of
///   its gradient that flows back through this box (`∂` column); the edge
///   from the producer ends on that row, so no number is ever far from its edge.
/// - A **weight** multiplying exactly one input sits on that input's row.
/// - Other parameters (the bias) get rows of their own, or, past six, one
///   summary row.
/// - An **output row** shows each value the box hands on and its gradient;
///   edges leave from it.
///
/// Nodes outside the folded groups are drawn as usual, more simply: leaves as
/// boxes with value and gradient, operations as circles, each edge into them
/// through a small value-over-gradient label.
struct CollapsedFigure {
    let figure: Figure
    let level: CollapseLevel
    var graph: Graph { figure.graph }
    var theme: FigureTheme { figure.options.theme }
    var format: NumberFormat { figure.options.numberFormat }
    let textSize = 12.0
    let headerSize = 13.0

    /// One folded group's table.
    struct Box {
        var group: Int
        var members: Set<NodeID>
        /// Values read from outside, in order of first use.
        var inputs: [NodeID]
        /// The parameter on each input's row, if exactly one multiplies it.
        var pairedWeight: [NodeID: NodeID]
        /// Leaves inside the box not shown on an input row.
        var parameters: [NodeID]
        /// Values used outside the box (or the figure's output).
        var outputs: [NodeID]
    }

    /// The folded groups and, for every node, the box it is folded into.
    func boxes() -> (boxes: [Box], boxOf: [Int]) {
        let groups = figure.groups
        var boxOf = Array(repeating: -1, count: graph.nodes.count)
        var boxes: [Box] = []
        let consumers = figure.consumers
        for g in groups.folded(at: level) {
            let members = groups.members(of: g)
            guard !members.isEmpty else { continue }
            let set = Set(members)
            for m in members { boxOf[m.index] = boxes.count }
            var inputs: [NodeID] = []
            var seen = Set<NodeID>()
            for m in members {
                for input in graph[m].inputs where !set.contains(input) && graph[input].kind != .constant && seen.insert(input).inserted {
                    inputs.append(input)
                }
            }
            // A leaf of the box multiplied by exactly one input, used nowhere else: that input's weight.
            var paired: [NodeID: NodeID] = [:]
            var pairedLeaves = Set<NodeID>()
            for m in members where graph[m].operation == .mul && graph[m].inputs.count == 2 {
                let (a, b) = (graph[m].inputs[0], graph[m].inputs[1])
                for (x, w) in [(a, b), (b, a)] where !set.contains(x) && set.contains(w) && graph[w].kind == .leaf
                    && consumers[w.index].count == 1 && paired[x] == nil && !pairedLeaves.contains(w) {
                    paired[x] = w
                    pairedLeaves.insert(w)
                }
            }
            // An input multiplied by two different weights in the box has no single weight.
            for x in inputs where paired[x] != nil {
                let muls = consumers[x.index].filter { set.contains($0.node) && graph[$0.node].operation == .mul }
                if muls.count != 1 { pairedLeaves.remove(paired[x]!); paired[x] = nil }
            }
            let parameters = members.filter { graph[$0].kind == .leaf && !pairedLeaves.contains($0) }
            let outputs = members.filter { m in
                m == figure.output || consumers[m.index].contains { !set.contains($0.node) }
            }
            boxes.append(Box(group: g, members: set, inputs: inputs, pairedWeight: paired, parameters: parameters, outputs: outputs))
        }
        return (boxes, boxOf)
    }

    // MARK: - Text

    /// A scalar's value; a tensor's shape (a folded box shows what flows
    /// between layers, as torchview does; the plain figure shows the entries).
    func number(_ t: Tensor?) -> String {
        guard let t else { return "–" }
        if t.rank == 0 { return format.string(t.scalar) }
        return describeShape(t.shape)
    }

    /// A scalar gradient, or a tensor gradient's size ‖∂‖ (its Frobenius norm).
    func gradientNumber(_ t: Tensor) -> String {
        if t.rank == 0 { return "∂ " + format.string(t.scalar) }
        return "‖∂‖ " + format.string(t.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }

    func font(_ s: String, color: String, size: Double? = nil, italic: Bool = false, bold: Bool = false) -> String {
        var inner = DOT.html(s)
        if italic { inner = "<I>\(inner)</I>" }
        if bold { inner = "<B>\(inner)</B>" }
        return "<FONT COLOR=\"\(color)\" POINT-SIZE=\"\(format.string(size ?? textSize))\">\(inner)</FONT>"
    }

    func gradientText(_ t: Tensor?) -> String {
        guard let t else { return font("(target)", color: theme.muted, italic: true) }
        if figure.options.worksheet { return font("∂ ______", color: theme.gradient, italic: theme.gradientItalic) }
        return font(gradientNumber(t), color: theme.gradient, italic: theme.gradientItalic)
    }

    func name(_ id: NodeID) -> String { figure.displayName(of: id) }

    /// The part of `x`'s gradient that flows back through the box's members.
    func share(of x: NodeID, into members: Set<NodeID>) -> Tensor? {
        var total: Tensor? = nil
        for use in figure.consumers[x.index] where members.contains(use.node) {
            guard let g = figure.gradient(on: .operand(x, into: use.node, at: use.operand)) else { continue }
            total = total.map { Self.add($0, g) } ?? g
        }
        return total
    }

    static func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        guard a.shape == b.shape else { return a }
        return Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars).map(+))
    }

    func cell(_ content: String, port: String? = nil, align: String = "LEFT", span: Int = 1) -> String {
        let p = port.map { " PORT=\"\($0)\"" } ?? ""
        let s = span > 1 ? " COLSPAN=\"\(span)\"" : ""
        return "<TD ALIGN=\"\(align)\" CELLPADDING=\"2\"\(p)\(s)>\(content)</TD>"
    }

    /// The HTML table of a box: header, input rows, parameter rows, output rows.
    func table(_ box: Box) -> String {
        let value = { (id: NodeID) in figure.backward.forward.value(of: id) }
        let group = figure.groups.groups[box.group]
        let activation = box.outputs.count == 1 && Graph.isActivation(graph[box.outputs[0]].operation)
            ? graph[box.outputs[0]].operation.map(\.symbol) : nil
        let hasWeights = !box.pairedWeight.isEmpty
        let columns = hasWeights ? 6 : 3
        var rows: [String] = []
        var header = font(group.name, color: theme.text, size: headerSize, bold: true)
        if let activation { header += font("\u{00A0}· " + activation, color: theme.muted, size: headerSize) }
        rows.append("<TR>" + cell(header, span: columns) + "</TR>")
        func section(_ title: String) {
            rows.append("<TR>" + cell(font(title, color: theme.muted, size: 10.5, italic: true), span: columns) + "</TR>")
        }
        if !box.inputs.isEmpty {
            section(hasWeights ? "inputs × weights" : "inputs")
            for (k, x) in box.inputs.enumerated() {
                var r = cell(font(name(x), color: theme.text), port: "in\(k)")
                    + cell(font(number(value(x)), color: theme.text), align: "RIGHT")
                    + cell(gradientText(share(of: x, into: box.members)))
                if hasWeights {
                    if let w = box.pairedWeight[x] {
                        r += cell(font("× " + name(w), color: theme.text))
                            + cell(font(number(value(w)), color: theme.text), align: "RIGHT")
                            + cell(gradientText(figure.backward.gradient(of: w)))
                    } else {
                        r += cell("", span: 3)
                    }
                }
                rows.append("<TR>" + r + "</TR>")
            }
        }
        if !box.parameters.isEmpty {
            if box.parameters.count <= 6 {
                if !hasWeights { section("parameters") }
                for p in box.parameters {
                    let label = hasWeights ? "+ " + name(p) : name(p)
                    let r = cell(font(label, color: theme.text)) + cell(font(number(value(p)), color: theme.text), align: "RIGHT")
                        + cell(gradientText(figure.backward.gradient(of: p)))
                    rows.append("<TR>" + (hasWeights ? cell("", span: 3) + r : r) + "</TR>")
                }
            } else {
                section("\(box.parameters.count) parameters (weights and biases) inside")
            }
        }
        section(box.outputs.count == 1 ? "output" : "outputs")
        for (k, y) in box.outputs.enumerated() {
            let label = name(y)
            var r = cell(font(label, color: theme.text, bold: true))
                + cell(font(number(value(y)), color: theme.text, bold: true), align: "RIGHT")
            r += hasWeights ? cell(gradientText(figure.backward.gradient(of: y)), span: 4) + "<TD PORT=\"out\(k)\"></TD>"
                            : cell(gradientText(figure.backward.gradient(of: y)), port: "out\(k)")
            rows.append("<TR>" + r + "</TR>")
        }
        let fill = Figure.blend(theme.background, theme.muted, 0.07)
        return "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\" STYLE=\"ROUNDED\" COLOR=\"\(theme.muted)\" BGCOLOR=\"\(fill)\">"
            + rows.joined() + "</TABLE>"
    }

    // MARK: - Document

    func dot() -> String {
        var b = DOTBuilder()
        b.graphAttributes([
            "rankdir": .string("LR"), "bgcolor": .string(theme.background), "pad": .string("0.1"),
            "nodesep": .string("0.18"), "ranksep": .string("0.25"), "fontname": .string(theme.fontName),
            "outputorder": .string("edgesfirst"), "id": .string("figure"),
            "class": .string("chainrule-figure collapsed collapsed-\(level.rawValue) theme-\(theme.name)"),
        ])
        b.defaults("node", ["fontname": .string(theme.fontName), "fontcolor": .string(theme.text),
                            "fontsize": .string(format.string(textSize))])
        b.defaults("edge", ["color": .string(theme.edge), "penwidth": .string("1.4"), "arrowsize": .string("0.6"),
                            "fontname": .string(theme.fontName)])
        let (boxes, boxOf) = boxes()
        // Where the value of a node leaves from (a box's output port, or the node).
        func source(_ id: NodeID) -> (String, String?) {
            let k = boxOf[id.index]
            if k < 0 { return ("n\(id.index)", nil) }
            return ("box\(k)", "out\(boxes[k].outputs.firstIndex(of: id) ?? 0):e")
        }
        for (k, box) in boxes.enumerated() {
            let group = figure.groups.groups[box.group]
            b.node("box\(k)", ["shape": .string("plain"), "label": .html(table(box)), "id": .string("group-\(box.group)"),
                               "class": .string("collapsed-group group-\(group.kind.rawValue)"),
                               "tooltip": .string(group.name)])
        }
        for node in graph.nodes where boxOf[node.id.index] < 0 {
            addNode(&b, node)
            addEdges(&b, into: node, from: source)
        }
        // Edges into boxes: one per input row, from where the value leaves.
        for (k, box) in boxes.enumerated() {
            for (i, x) in box.inputs.enumerated() {
                let (tail, port) = source(x)
                b.edge(tail, tailPort: port, to: "box\(k)", headPort: "in\(i):w", ["id": .string("into-\(k)-\(i)")])
            }
        }
        // The output ends in its name, with the seed gradient.
        let out = figure.output
        let (tail, port) = source(out)
        let sink = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\"><TR><TD>"
            + font(name(out) + " (output)", color: theme.text, size: headerSize, bold: true) + font("\u{00A0}= " + number(value(out)), color: theme.text)
            + "</TD></TR><TR><TD>" + gradientText(figure.backward.gradient(of: out)) + "</TD></TR></TABLE>"
        b.node("output", ["shape": .string("box"), "style": .string("rounded"), "color": .string(theme.muted),
                          "label": .html(sink), "id": .string("output-\(out.index)"), "class": .string("output")])
        b.edge(tail, tailPort: port, to: "output", [:])
        return b.text(name: "chainrule")
    }

    func value(_ id: NodeID) -> Tensor { figure.backward.forward.value(of: id) }

    /// A node outside every box: a leaf with its value and gradient, a constant, or an operation's circle.
    func addNode(_ b: inout DOTBuilder, _ node: Node) {
        let id = node.id
        switch node.kind {
        case .leaf:
            let label = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\"><TR><TD>"
                + font(name(id), color: theme.text, size: headerSize, bold: true) + font("\u{00A0}= " + number(value(id)), color: theme.text)
                + "</TD></TR><TR><TD>" + gradientText(figure.backward.gradient(of: id)) + "</TD></TR></TABLE>"
            b.node("n\(id.index)", ["shape": .string("box"), "style": .string("rounded"), "color": .string(theme.muted),
                                     "margin": .string("0.08,0.04"), "label": .html(label), "id": .string("node-\(id.index)"),
                                     "class": .string("leaf")])
        case .constant:
            b.node("n\(id.index)", ["shape": .string("plaintext"), "label": .html(font(number(value(id)), color: theme.muted, size: 10.5)),
                                     "id": .string("node-\(id.index)"), "class": .string("constant"),
                                     "width": .string("0.2"), "height": .string("0.2"), "margin": .string("0.02,0.01")])
        case .operation(let op):
            b.node("n\(id.index)", ["shape": .string("circle"), "style": .string("filled"), "fillcolor": .string(theme.operationFill),
                                     "color": .string(theme.operationStroke), "width": .string("0.42"), "margin": .string("0.03"),
                                     "label": .html(font(op.symbol, color: theme.text, size: op.symbol.count <= 2 ? 15 : 11)),
                                     "id": .string("node-\(id.index)"), "class": .string("operation")])
        }
    }

    /// Edges into a node outside every box: value over gradient on a label node.
    func addEdges(_ b: inout DOTBuilder, into node: Node, from source: (NodeID) -> (String, String?)) {
        let id = node.id
        for (operand, input) in node.inputs.enumerated() {
            let (tail, port) = source(input)
            if graph[input].kind == .constant {
                b.edge(tail, tailPort: port, to: "n\(id.index)", ["penwidth": .string("1"), "arrowsize": .string("0.5")])
                continue
            }
            let labelName = "e\(input.index)-\(id.index)-\(operand)"
            let label = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\"><TR><TD>"
                + font(number(value(input)), color: theme.text) + "</TD></TR><TR><TD HEIGHT=\"1.5\" BGCOLOR=\"\(theme.edge)\" PORT=\"r\"></TD></TR><TR><TD>"
                + gradientText(figure.gradient(on: .operand(input, into: id, at: operand))) + "</TD></TR></TABLE>"
            b.node(labelName, ["shape": .string("plain"), "label": .html(label),
                               "id": .string(FigureEdge.operand(input, into: id, at: operand).key), "class": .string("edge-label")])
            b.edge(tail, tailPort: port, to: labelName, headPort: "r:w", ["arrowhead": .string("none")])
            b.edge(labelName, tailPort: "r:e", to: "n\(id.index)", [:])
        }
    }
}

extension Figure {
    /// The DOT source of the finished pass with the groups of `level` folded
    /// into boxes (see `CollapsedFigure`); the plain figure if there are no groups.
    public func collapsedDOT(_ level: CollapseLevel) -> String {
        groups.isEmpty ? dot(.complete) : CollapsedFigure(figure: self, level: level).dot()
    }
}
