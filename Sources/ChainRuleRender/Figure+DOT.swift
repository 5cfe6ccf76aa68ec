import ChainRule
import ChainRuleSupport
import Foundation

// The DOT writer: a `Figure` and a `FigureFrame` → DOT text with HTML-like
// labels. Pure Swift; deterministic (attributes sorted, nodes in graph order).

extension Figure {
    /// The DOT source of one frame.
    ///
    /// Without `layout` it is ordinary DOT for the `dot` engine. With a
    /// `layout` read back from a previous run (`FigureLayout` does this),
    /// every node and edge carries its `pos`, so the `nop2` engine draws the
    /// frame exactly where the layout put things.
    /// `dpi` (bitmap formats only) sets the resolution of PNG output.
    /// `tuning` adds `dot` layout attributes (see `FigureBudget`).
    package func dot(_ frame: FigureFrame = .complete, pinnedTo layout: GraphvizLayout? = nil, dpi: Int? = nil,
                     tuning: LayoutTuning = .quality) -> String {
        var writer = DOTWriter(figure: self, frame: frame, layout: layout)
        writer.dpi = dpi
        writer.tuning = tuning
        return writer.write()
    }

    /// The DOT graph's structure (node and edge ids, pinned inputs), for `FigureBudget`.
    func dotShape() -> DOTShape {
        var writer = DOTWriter(figure: self, frame: .complete, layout: nil)
        _ = writer.write()
        return writer.shape
    }

    /// A pinned frame's DOT with only the objects in `include` (nil: all),
    /// and, for a whole frame (`include` nil), every edge's ends (edge `id` → tail and head `id`s).
    ///
    /// A whole frame also gives each object's owner: the graph node whose
    /// statements write it (object `id` → node index). A partial frame given
    /// `owners` (from the whole frame) writes only the owners of `include`,
    /// instead of walking every node of the graph to find them.
    func partialDOT(_ frame: FigureFrame, pinnedTo layout: GraphvizLayout, include: Set<String>?,
                    owners: [String: Int]? = nil) -> (dot: String, edgeEnds: [String: (String, String)], owners: [String: Int]) {
        var writer = DOTWriter(figure: self, frame: frame, layout: layout)
        writer.include = include
        if let include, let owners {
            var nodes = Set<Int>()
            // An object no node owns (none known): every node is written, as before.
            for id in include { if let n = owners[id] { nodes.insert(n) } else { nodes.removeAll(); break } }
            if !nodes.isEmpty { writer.onlyNodes = nodes }
        }
        let text = writer.write()
        return (text, writer.edgeEnds, writer.owners)
    }

    /// The name of `node` as the figure shows it (`apple`, `#3` if unnamed).
    public func displayName(of node: NodeID) -> String {
        graph[node].name ?? "#\(node.index)"
    }
}

struct DOTWriter {
    let figure: Figure
    let frame: FigureFrame
    let layout: GraphvizLayout?
    var dpi: Int?
    /// `dot` attributes chosen by `FigureBudget` (unpinned layouts only).
    var tuning: LayoutTuning = .quality
    /// The structure written (filled by `write()` for a whole frame).
    private(set) var shape = DOTShape(nodes: [], edges: [], pinnedFirst: [])
    /// Leaves drawn as one copy per use (`FigureBudget.splitLeaves`).
    var split: Set<NodeID> = []
    /// A neighbourhood drawn alone (`FocusedFigure.swift`), with stubs for what is left out.
    var focus: FigureFocus? = nil
    /// Only these objects (node and edge `id`s), for a partial frame
    /// (`FrameCache` renders just the objects it has not seen); nil = all.
    /// The set must contain both ends of every edge in it.
    var include: Set<String>? = nil
    /// Each edge's `id` → the `id`s of its tail and head (filled while writing).
    private(set) var edgeEnds: [String: (String, String)] = [:]
    /// A partial frame: only these graph nodes' statements are written (the
    /// owners of every object in `include`); nil = every node.
    var onlyNodes: Set<Int>? = nil
    /// Each object `id` → the graph node whose statements write it (whole frames).
    var owners: [String: Int] { naming.owners }
    /// DOT names of this write (a reference: `title` reads `self` while naming).
    private final class Naming {
        var names: [String: String] = [:]
        var used: Set<String> = []
        var keyOf: [String: String] = [:]
        /// Object `id` → the index of the graph node being written (whole frames).
        var owners: [String: Int] = [:]
        var owner = -1
    }
    private let naming = Naming()
    /// The last whole write, kept for `retuned(_:)`.
    private var written: (builder: DOTBuilder, graphAttributes: [String: DOTValue])?
    var theme: FigureTheme { figure.options.theme }
    var format: NumberFormat { figure.options.numberFormat }
    var graph: Graph { figure.graph }

    // Font sizes (points).
    let nameSize = 15.0
    let valueSize = 13.0
    let matrixSize = 10.5
    let captionSize = 9.0

    /// DOT node names: human-readable (they become SVG `<title>`s), unique, and
    /// the same in every frame.

    /// Names from an earlier write of this figure (they never change).
    private let cached: (names: [String: String], keyOf: [String: String])?
    private let numbers: FigureTextCache

    init(figure: Figure, frame: FigureFrame, layout: GraphvizLayout?) {
        self.figure = figure
        self.frame = frame
        self.layout = layout
        self.numbers = figure.textCache
        self.cached = figure.textCache.names
    }

    /// A node's value, formatted (cached per figure).
    func values(_ id: NodeID) -> [String] { numbers.values(id, figure) }

    func title(for key: String, _ wanted: @autoclosure () -> String) -> String {
        if let n = naming.names[key] { return n }
        if let cached, let n = cached.names[key] { return n }
        // Node names are not escStrings: keep backslashes out of them entirely.
        var wanted = wanted()
        if wanted.utf8.contains(UInt8(ascii: "\\")) { wanted = wanted.replacingOccurrences(of: "\\", with: "∖") }
        var candidate = wanted.isEmpty ? key : wanted
        var k = 2
        while naming.used.contains(candidate) { candidate = "\(wanted) (\(k))"; k += 1 }
        naming.used.insert(candidate)
        naming.names[key] = candidate
        naming.keyOf[candidate] = key
        return candidate
    }

    func key(of name: String) -> String {
        if let cached, let k = cached.keyOf[name] { return k }
        return naming.keyOf[name] ?? name
    }

    func wants(_ id: String) -> Bool {
        guard let include else {
            if naming.owner >= 0 { naming.owners[id] = naming.owner }
            return true
        }
        return include.contains(id)
    }

    /// Records an edge's ends; true if the edge is to be written.
    mutating func edgeWanted(_ id: String, _ tail: String, _ head: String) -> Bool {
        // A partial frame's caller knows the ends already (from the whole frame).
        if include == nil { edgeEnds[id] = (key(of: tail), key(of: head)) }
        return wants(id)
    }

    var outputName: String { figure.graph[figure.output].name ?? "L" }

    // MARK: - Document

    mutating func write() -> String {
        var b = DOTBuilder()
        split = focus == nil ? FigureBudget.splitLeaves(figure) : []
        let attributes = graphAttributes()
        b.graphAttributes(attributes)
        b.defaults("node", ["fontname": .string(theme.fontName), "fontcolor": .string(theme.text),
                            "fontsize": .string(fmt(nameSize))])
        // Edges are as thick as the labels' rules (2pt) so each edge runs
        // straight through its label; the colour keeps them subdued.
        b.defaults("edge", ["color": .string(theme.edge), "penwidth": .string("2"), "arrowsize": .string("0.6"),
                            "fontname": .string(theme.fontName)])
        let depth = nodeDepths()
        var inputs: [String] = []
        for node in graph.nodes {
            // (Names come from the figure's first write: skipping nodes cannot rename others.)
            if let onlyNodes, cached != nil, !onlyNodes.contains(node.id.index) { continue }
            naming.owner = layout == nil ? -1 : node.id.index  // owners: pinned frames only
            writeNode(&b, node, depth: depth, inputs: &inputs)
        }
        naming.owner = -1
        if let focus { writeFocusStubs(&b, focus) }
        // Clusters of a pinned frame keep the layout's boxes; a partial frame
        // (`FrameCache`) has none: they are in the whole frame's header.
        if !figure.groups.isEmpty && !(include != nil && layout != nil && focus == nil) {
            for line in figure.clusterLines(include: include, pinned: layout, name: { naming.names[$0] ?? cached?.names[$0] }) {
                b.raw(line)
            }
        }
        if include == nil && figure.options.alignInputs && inputs.count > 1 {
            b.raw("{ rank=min; " + inputs.map { DOT.quote($0) + ";" }.joined(separator: " ") + " }")
        }
        if cached == nil { numbers.setNames(naming.names, naming.keyOf) }
        if include == nil {
            shape = DOTShape(nodes: b.nodeNames.map { key(of: $0) },
                             edges: edgeEnds.keys.sorted().map { edgeEnds[$0]! },
                             pinnedFirst: figure.options.alignInputs && inputs.count > 1 ? inputs.map { key(of: $0) } : [])
        }
        if include == nil && layout == nil { written = (b, attributes) }
        return b.text(name: "chainrule")
    }

    /// The last `write()`'s text with `tuning`'s layout attributes added: the
    /// same bytes as writing the figure again with that tuning (only the
    /// graph attributes depend on it), without writing every node again.
    /// Whole, unpinned frames only.
    mutating func retuned(_ tuning: LayoutTuning) -> String {
        guard var (b, attributes) = written else { self.tuning = tuning; return write() }
        for (k, v) in tuning.attributes { attributes[k] = .string(v) }
        b.replaceGraphAttributes(attributes)
        self.tuning = tuning
        return b.text(name: "chainrule")
    }

    /// The graph's attributes: direction, spacing, theme, legend, and a pinned layout's box.
    func graphAttributes() -> [String: DOTValue] {
        var graphAttrs: [String: DOTValue] = [
            "rankdir": .string("LR"),
            "bgcolor": .string(theme.background),
            "pad": .string("0.3"),
            "nodesep": .string("0.3"),
            "ranksep": .string(figure.options.slideFit == nil ? "0.22" : SlideFit.rankSeparation),
            "fontname": .string(theme.fontName),
            "fontcolor": .string(theme.text),
            "outputorder": .string("edgesfirst"),
            "id": .string("figure"),
            "class": .string("chainrule-figure theme-\(theme.name)"),
        ]
        if let dpi { graphAttrs["dpi"] = .string(String(dpi)) }
        if layout == nil { for (k, v) in tuning.attributes { graphAttrs[k] = .string(v) } }
        // A partial frame has no legend: it is in the header, drawn once.
        if figure.options.legend && include == nil {
            graphAttrs["label"] = .html(legend())
            graphAttrs["labelloc"] = .string("b")
            graphAttrs["labeljust"] = .string("r")
        }
        // A partial frame must not be moved to the origin by `nop2`: its
        // objects keep the coordinates they have in the whole figure.
        if include != nil && focus == nil { graphAttrs["notranslate"] = .string("true") }
        if let layout {
            graphAttrs["bb"] = .string(layout.boundingBox)
            if let lp = layout.labelPosition, include == nil { graphAttrs["lp"] = .string(lp) }
        }
        return graphAttrs
    }

    /// Depth of each node: 0 for leaves and constants, 1 + the deepest operand otherwise.
    func nodeDepths() -> [Int] {
        var depth = [Int](repeating: 0, count: graph.nodes.count)
        for node in graph.nodes where !node.inputs.isEmpty {
            depth[node.id.index] = 1 + node.inputs.map { depth[$0.index] }.max()!
        }
        return depth
    }

    /// One node, and the edges (with their labels) from it to each use.
    mutating func writeNode(_ b: inout DOTBuilder, _ node: Node, depth: [Int], inputs: inout [String]) {
        let uses = figure.consumers[node.id.index]
        if split.contains(node.id) {
            writeSplitLeaf(&b, node, uses: uses, depth: depth, inputs: &inputs)
            return
        }
        let name = title(for: "node-\(node.id.index)", nodeTitle(node))
        addNode(&b, name: name, key: "node-\(node.id.index)", node: node)
        // Inputs used early line up in the first column, textbook style;
        // inputs first used deep in a large graph sit next to their use.
        // (Grouped inputs stay in their cluster, next to the neuron they feed.)
        if node.kind == .leaf, figure.groups.group(of: node.id) == nil,
           let first = uses.map({ depth[$0.node.index] }).min(), first <= 2 {
            inputs.append(name)
        }
        if node.kind == .constant {
            writeConstantEdges(&b, node, name: name, uses: uses)
            return
        }
        var source = name
        if Figure.hasTrunk(node, uses: uses.count, output: figure.output) {
            guard let fork = writeTrunk(&b, node, from: name, uses: uses.count) else { return }
            source = fork
        }
        for use in uses {
            let edge = FigureEdge.operand(node.id, into: use.node, at: use.operand)
            let label = addEdgeLabel(&b, edge)
            connect(&b, from: source, into: label, edge: edge)
            let head = title(for: "node-\(use.node.index)", nodeTitle(graph[use.node]))
            connect(&b, out: label, to: head, edge: edge, arrow: true)
        }
    }

    /// A constant's edges: thin, straight into each use, with no label.
    mutating func writeConstantEdges(_ b: inout DOTBuilder, _ node: Node, name: String, uses: [(node: NodeID, operand: Int)]) {
        for use in uses {
            let head = title(for: "node-\(use.node.index)", nodeTitle(graph[use.node]))
            let id = "const-\(node.id.index)-\(use.node.index)-\(use.operand)"
            guard edgeWanted(id, name, head) else { continue }
            b.edge(name, to: head, pinned(["id": .string(id),
                                           "class": .string("flow constant-flow"),
                                           "arrowsize": .string("0.7"), "penwidth": .string("1.2")],
                                          edge: id))
        }
    }

    /// A node's value on its trunk edge. Used more than once, the trunk ends in
    /// a fork (returned: the branches leave from it); otherwise in the node's
    /// name, the output or an unused result (nil: nothing leaves it).
    mutating func writeTrunk(_ b: inout DOTBuilder, _ node: Node, from name: String, uses: Int) -> String? {
        let trunk = FigureEdge.value(of: node.id)
        let label = addEdgeLabel(&b, trunk)
        connect(&b, from: name, into: label, edge: trunk)
        if uses > 1 {
            // Fan-out: trunk → dot → one branch per use.
            let fork = title(for: "fork-\(node.id.index)", "\(displayName(node.id)) splits")
            if wants("fork-\(node.id.index)") {
                var attrs: [String: DOTValue] = [
                    "shape": .string("point"), "width": .string("0.07"), "height": .string("0.07"),
                    "color": .string(theme.edge), "fillcolor": .string(theme.edge),
                    "id": .string("fork-\(node.id.index)"), "class": .string("fork"),
                    "tooltip": .string("\(displayName(node.id)) is used \(uses) times: its gradient is the sum of the branches"),
                ]
                pin(&attrs)
                b.node(fork, attrs)
            }
            connect(&b, out: label, to: fork, edge: trunk, arrow: false)
            return fork
        }
        // The output (or an unused named result) ends in its name.
        let sinkKey = "output-\(node.id.index)"
        let sinkName = title(for: sinkKey, displayName(node.id) + (node.id == figure.output ? " (output)" : " (result)"))
        if wants(sinkKey) {
            let hl = highlightedNode(node.id)
            var attrs: [String: DOTValue] = [
                "shape": .string("box"), "peripheries": .string(hl ? "1" : "0"),
                "style": .string(hl ? "rounded,filled,bold" : "rounded"),
                "color": .string(theme.highlight), "fillcolor": .string(theme.highlightFill),
                "margin": .string("0.08,0.04"),
                "label": .html(nameLabel(node, bold: node.id == figure.output)),
                "id": .string(sinkKey), "class": .string(classes("output", hl)),
                "tooltip": .string(tooltip(node: node.id)),
            ]
            pin(&attrs)
            b.node(sinkName, attrs)
        }
        connect(&b, out: label, to: sinkName, edge: trunk, arrow: true)
        return nil
    }

    // MARK: - Nodes

    func displayName(_ id: NodeID) -> String { figure.displayName(of: id) }

    func nodeTitle(_ node: Node) -> String {
        switch node.kind {
        case .leaf: return displayName(node.id)
        case .constant: return "constant \(values(node.id)[0]) #\(node.id.index)"
        case .operation(let op):
            if let name = node.name { return "\(op.symbol) → \(name)" }
            return "\(op.symbol) #\(node.id.index)"
        }
    }

    func highlightedNode(_ id: NodeID) -> Bool { frame.highlightedNodes.contains(id) }

    func classes(_ base: String, _ highlighted: Bool) -> String { highlighted ? base + " highlighted" : base }

    mutating func addNode(_ b: inout DOTBuilder, name: String, key: String, node: Node) {
        guard wants(key) else { return }
        let hl = highlightedNode(node.id)
        var attrs: [String: DOTValue] = ["id": .string(key), "tooltip": .string(tooltip(node: node.id))]
        switch node.kind {
        case .leaf:
            attrs["shape"] = .string("box")
            attrs["style"] = .string(hl ? "rounded,filled,bold" : "rounded")
            attrs["peripheries"] = .string(hl ? "1" : "0")
            attrs["color"] = .string(theme.highlight)
            attrs["fillcolor"] = .string(theme.highlightFill)
            attrs["margin"] = .string("0.08,0.04")
            attrs["label"] = .html(nameLabel(node, bold: false))
            attrs["class"] = .string(classes("leaf", hl))
        case .constant:
            attrs["shape"] = .string("plaintext")
            attrs["margin"] = .string("0.02,0.01")
            attrs["height"] = .string("0.2")
            attrs["width"] = .string("0.2")
            let value = figure.backward.forward.value(of: node.id)
            let text = value.rank == 0 ? text(values(node.id)[0], color: theme.muted, size: 10.5)
                                       : tensorTable(value, color: theme.muted, hidden: false)
            attrs["label"] = .html(text)
            attrs["class"] = .string(classes("constant", hl))
        case .operation(let op):
            let symbol = op.symbol
            let symbolSize: Double = symbol.count <= 2 ? 15 : symbol.count <= 4 ? 12 : 10
            attrs["shape"] = .string("circle")
            attrs["style"] = .string(hl ? "filled,bold" : "filled")
            attrs["color"] = .string(hl ? theme.highlight : theme.operationStroke)
            attrs["fillcolor"] = .string(hl ? theme.highlightFill : theme.operationFill)
            attrs["penwidth"] = .string(hl ? "2.4" : "1.2")
            attrs["width"] = .string("0.42")
            attrs["margin"] = .string("0.03")
            attrs["fixedsize"] = .string("false")
            attrs["label"] = .html(text(symbol, color: theme.text, size: symbolSize, bold: hl && theme.name == "print"))
            attrs["class"] = .string(classes("operation op-\(cssName(op))", hl))
        }
        pin(&attrs)
        b.node(name, attrs)
    }

    func cssName(_ op: ChainRule.Operation) -> String {
        let full = String(describing: op)
        return String(full.prefix { $0 != "(" })
    }

    /// A leaf's or output's label: its name, and its shape when not a scalar.
    func nameLabel(_ node: Node, bold: Bool) -> String {
        var s = text(displayName(node.id), color: theme.text, size: nameSize, bold: bold)
        if !node.shape.isEmpty {
            s += "<BR/>" + text(describeShape(node.shape), color: theme.muted, size: captionSize)
        }
        return s
    }

    // MARK: - Edge labels

    /// Adds the label node of `edge` and returns its DOT name.
    mutating func addEdgeLabel(_ b: inout DOTBuilder, _ edge: FigureEdge) -> String {
        let fromName = displayName(edge.from)
        let wanted: String
        if let to = edge.to { wanted = "\(fromName) → \(nodeTitle(graph[to]))" + (graph[to].inputs.count > 1 ? " [\(edge.operand)]" : "") }
        else { wanted = "\(fromName) value" }
        let name = title(for: edge.key, wanted)
        guard wants(edge.key) else { return name }
        let hl = frame.highlightedEdges.contains(edge)
        var attrs: [String: DOTValue] = [
            "shape": .string("plain"),
            "label": .html(edgeLabel(edge, name: name, highlighted: hl)),
            "id": .string(edge.key),
            "class": .string(classes(edge.to == nil ? "edge-label value-label" : "edge-label", hl)),
            "tooltip": .string(tooltip(edge: edge)),
        ]
        pin(&attrs)
        b.node(name, attrs)
        return name
    }

    /// tail → label (no arrow), ending on the label's rule.
    mutating func connect(_ b: inout DOTBuilder, from tail: String, into label: String, edge: FigureEdge) {
        guard edgeWanted(edge.key + "-in", tail, label) else { return }
        let hl = frame.highlightedEdges.contains(edge)
        var attrs: [String: DOTValue] = ["id": .string(edge.key + "-in"), "class": .string(classes("flow", hl)),
                                         "arrowhead": .string("none"), "weight": .string("2")]
        if hl { attrs["color"] = .string(theme.highlight) }
        b.edge(tail, to: label, headPort: "r:w", pinned(attrs, edge: edge.key + "-in"))
    }

    /// label → head, leaving from the label's rule.
    mutating func connect(_ b: inout DOTBuilder, out label: String, to head: String, edge: FigureEdge, arrow: Bool) {
        guard edgeWanted(edge.key + "-out", label, head) else { return }
        let hl = frame.highlightedEdges.contains(edge)
        var attrs: [String: DOTValue] = ["id": .string(edge.key + "-out"), "class": .string(classes("flow", hl)),
                                         "weight": .string("4")]
        if !arrow { attrs["arrowhead"] = .string("none") }
        if hl { attrs["color"] = .string(theme.highlight) }
        b.edge(label, tailPort: "r:e", to: head, pinned(attrs, edge: edge.key + "-out"))
    }

    func valueKnown(_ id: NodeID) -> Bool { frame.values?.contains(id) ?? true }
    func gradientKnown(_ e: FigureEdge) -> Bool { frame.gradients?.contains(e) ?? true }

    /// Value above a rule (the edge's continuation, port `r`), gradient below.
    ///
    /// One grid holds both: a value and its gradient have the same shape, so
    /// matrix entries line up column by column, with brackets on both.
    /// Columns: [prefix] then a scalar's one column, or a tensor's bracket,
    /// entries, bracket. The prefix column holds `price =` beside the value
    /// and `Σ axis 0` or `Σ 2 branches =` beside the gradient.
    ///
    /// Every entry column gets a minimum width wide enough for all it will
    /// ever show (final numbers, `?`, boxes), estimated from DejaVu Sans
    /// metrics, so a frame with `?`s has exactly the layout's geometry.
    func edgeLabel(_ edge: FigureEdge, name: String, highlighted: Bool) -> String {
        let label = EdgeLabelFacts(self, edge)
        var grid = LabelGrid(shape: label.shape, rows: label.indices.rows, cols: label.indices.cols)
        let valuePrefix = valuePrefix(label)
        let gradient = gradientPart(label)
        grid.hasPrefix = valuePrefix != nil || gradient.prefix != nil
        grid.columnWidths = columnWidths(label, grid, gradient)
        grid.cellHeight = label.isScalar ? (gradient.finalEntries?.first?.utf8.contains(UInt8(ascii: "\n")) == true ? 38 : 21) : 18
        let blockHeight = grid.cellHeight * (label.isScalar ? 1 : grid.rows.count)

        var rows: [String] = []
        if !label.isBranch {
            rows += valueRows(label, grid, prefix: valuePrefix, blockHeight: blockHeight)
            if !label.isScalar { rows.append(grid.spacer(3)) }
        }
        // The rule: 2pt high so the port (its centre) falls on a whole point,
        // exactly on the edge's centre line. Pinned frames fix its width.
        // HTML tables have whole-point sizes, so width × 72 rounds back exactly.
        let width = layout?.nodes[edge.key].map(LabelGrid.ruleWidth)
        rows.append(grid.ruleRow(color: highlighted ? theme.highlight : theme.edge, width: width))
        if !label.isScalar { rows.append(grid.spacer(3)) }
        rows += gradientRows(label, grid, gradient, blockHeight: blockHeight)
        if figure.options.localDerivatives, let caption = localDerivativeRow(label, grid) { rows.append(caption) }
        var html = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\""
        if highlighted { html += " BGCOLOR=\"\(theme.highlightFill)\"" }
        return html + ">" + rows.joined() + "</TABLE>"
    }

    /// What an edge label shows above its rule, worked out once for its parts.
    struct EdgeLabelFacts {
        let edge: FigureEdge
        let from: Node
        /// The grid's shape: a figure fitted to a slide may stand vectors as columns, an (n, 1) grid.
        let shape: [Int]
        let isScalar: Bool
        /// Drawn as a heatmap glyph.
        let heat: Bool
        /// How many operations use the edge's tail.
        let uses: Int
        /// One of several uses: the value is shown once, on the trunk.
        let isBranch: Bool
        let override: EdgeLabelOverride?
        /// The output's own label, where the backward pass starts.
        let isSeed: Bool
        let value: Tensor
        let valueStrings: [String]
        /// The gradient on the edge (nil: none, a target or data).
        let gradient: Tensor?
        let indices: (rows: [Int?], cols: [Int?])
        let range: Bool
        let entrySize: Double

        init(_ writer: DOTWriter, _ edge: FigureEdge) {
            let figure = writer.figure
            self.edge = edge
            from = figure.graph[edge.from]
            shape = figure.options.slideFit?.columnVectors == true && from.shape.count == 1 ? [from.shape[0], 1] : from.shape
            isScalar = shape.isEmpty
            heat = writer.isHeatmap(shape)
            uses = figure.consumers[edge.from.index].count
            isBranch = edge.to != nil && uses > 1
            override = writer.frame.overrides[edge]
            isSeed = edge.to == nil && edge.from == figure.output
            value = figure.backward.forward.value(of: edge.from)
            valueStrings = writer.values(edge.from)
            gradient = figure.gradient(on: edge)
            indices = writer.gridIndices(shape)
            range = writer.showsRange(shape)
            entrySize = isScalar ? writer.valueSize : writer.compactEntrySize
        }

        /// The grid column of flat entry `i`.
        func column(_ i: Int) -> Int { isScalar ? 0 : i % (shape.last ?? 1) }
    }

    /// The prefix column beside the value: `price =`, and a result's shape.
    func valuePrefix(_ label: EdgeLabelFacts) -> String? {
        let from = label.from
        var valuePrefix: String? = nil
        if !label.isBranch, from.operation != nil, let name = from.name, !(label.edge.to == nil && label.uses == 0) {
            valuePrefix = text(name + " = ", color: theme.muted, size: valueSize, italic: true)
        }
        if !label.isBranch, from.operation != nil, !label.isScalar {
            // Leaves show their shape under their name; results show it here.
            let caption = text(describeShape(from.shape), color: theme.muted, size: captionSize)
            valuePrefix = valuePrefix.map { $0 + "<BR/>" + caption } ?? caption
        }
        return valuePrefix
    }

    /// What an edge label shows below its rule. Its structure — entries,
    /// worksheet boxes or a target note, and the prefix column — is the same
    /// in every frame; frames only change the text inside.
    struct GradientPart {
        enum Block { case entries([String]), blanks, target }
        var block: Block
        /// `Σ 2 branches =`, `(broadcast) Σ axis 0`, or the print theme's `∂`.
        var prefix: String?
        /// What the finished figure shows below the rule (also sizes the worksheet's columns).
        var finalEntries: [String]?
    }

    func gradientPart(_ label: EdgeLabelFacts) -> GradientPart {
        let edge = label.edge
        var prefix: String? = nil
        var finalEntries: [String]? = nil
        if label.gradient != nil, edge.to == nil, let sum = figure.sums[edge.from] {
            if label.isScalar && sum.edges.count <= 6 {
                finalEntries = [fanOutSum(sum, edge)]
            } else {
                prefix = gradientText("Σ \(sum.edges.count) branches = ", size: valueSize - 2)
            }
        }
        if label.gradient != nil, finalEntries == nil {
            let strings = numbers.gradient(edge, figure)!
            finalEntries = label.isScalar ? strings.map { theme.gradientPrefix + $0 } : strings
        }
        let block: GradientPart.Block
        if finalEntries == nil {
            block = .target
        } else if figure.options.worksheet && !label.isSeed {
            block = .blanks
        } else {
            block = .entries(finalEntries!)
        }
        if let to = edge.to, let reduction = figure.records[edge]?.reduction, to.index >= 0 {
            let axes = reduction.summedAxes.map(String.init).joined(separator: ", ")
            let word = reduction.summedAxes.count == 1 ? "axis" : "axes"
            prefix = text("(broadcast) Σ \(word) \(axes) ", color: theme.gradient, size: captionSize, italic: true)
        }
        if case .target = block {} else if !label.isScalar, prefix == nil, !theme.gradientPrefix.isEmpty {
            prefix = gradientText("")  // print theme: "∂" marks gradient matrices too
        }
        return GradientPart(block: block, prefix: prefix, finalEntries: finalEntries)
    }

    /// A scalar's gradient written as the sum of its branches: `∂ 2 + 3 = 5`.
    func fanOutSum(_ sum: GradientSum, _ edge: FigureEdge) -> String {
        var expr = ""
        for (k, index) in sum.edges.enumerated() {
            let record = figure.backward.edges[index]
            let zero = RoundingNoise.threshold(scale: RoundingNoise.edgeScale(record, in: figure.backward.forward))
            let c = abs(record.contribution.scalar) < zero ? 0 : record.contribution.scalar
            let s = format.string(abs(c))
            if k == 0 { expr = c < 0 ? format.minus + s : s } else { expr += (c < 0 ? " − " : " + ") + s }
        }
        // Fitted to a slide, the sum stands on two lines (narrower).
        let equals = figure.options.slideFit == nil ? " = " : "\n= "
        return theme.gradientPrefix + expr + equals + numbers.gradient(edge, figure)![0]
    }

    /// The mark of an entry not known yet.
    func hiddenMark(_ label: EdgeLabelFacts) -> String { label.isScalar ? theme.gradientPrefix + "?" : "?" }

    /// The narrowest entry column (points).
    func minimumColumnWidth(_ label: EdgeLabelFacts) -> Double { label.isScalar ? 28 : 22 }

    /// Column widths (points, padding included): wide enough for the final
    /// numbers, `?` and a worksheet box alike, so a worksheet or a frame of
    /// `?`s fits the layout of the finished figure exactly.
    func columnWidths(_ label: EdgeLabelFacts, _ grid: LabelGrid, _ gradient: GradientPart) -> [Int: Double] {
        let minimumWidth = minimumColumnWidth(label)
        var widths: [Int: Double] = [:]
        func widen(_ flat: Int, _ s: String) {
            let col = label.column(flat)
            let widest = !s.utf8.contains(UInt8(ascii: "\n")) ? TextWidth.estimate(s, size: label.entrySize)
                : s.split(separator: "\n").map { TextWidth.estimate(String($0), size: label.entrySize) }.max() ?? 0
            widths[col] = max(widths[col] ?? minimumWidth, widest + 4)
        }
        let boxes = figure.options.answerBoxes
        for i in shownEntries(grid) where !label.heat {
            if !label.isBranch { widen(i, label.valueStrings[i]); widen(i, "?") }
            if case .blanks = gradient.block {
                // Every box one size, whatever its answer (which fits in it: `WorksheetPage`).
                let col = label.column(i)
                if AnswerBoxes.asks(i, of: label.shape) { widths[col] = max(widths[col] ?? minimumWidth, boxes.width + 6) }
                else { widen(i, "·") }
            } else if let e = gradient.finalEntries { widen(i, e[label.isScalar ? 0 : i]); widen(i, hiddenMark(label)) }
        }
        return widths
    }

    /// The rows above the rule: the value (or its override, or `?`) and its range.
    func valueRows(_ label: EdgeLabelFacts, _ grid: LabelGrid, prefix: String?, blockHeight: Int) -> [String] {
        if let t = label.override?.value {
            return [grid.wideRow(text(t, color: theme.text, size: valueSize), padding: 2, height: blockHeight)]
        }
        var rows: [String] = []
        let hidden = !valueKnown(label.edge.from)
        if label.heat {
            rows.append(grid.blockRow(prefix: prefix, heatmapTable(label.value, shape: label.shape, strings: label.valueStrings,
                                                                   hidden: hidden, border: theme.muted)))
        } else {
            rows += grid.tensorRows(prefix: prefix, color: theme.text) { i in
                text(hidden ? "?" : label.valueStrings[i], color: theme.text, size: label.entrySize)
            }
        }
        if label.range { rows.append(rangeRow(grid, hidden ? "?" : rangeText(label.value), color: theme.text)) }
        return rows
    }

    /// The rows below the rule: the gradient, a worksheet's boxes, or a target note.
    func gradientRows(_ label: EdgeLabelFacts, _ grid: LabelGrid, _ gradient: GradientPart, blockHeight: Int) -> [String] {
        let edge = label.edge, shape = label.shape
        let override = label.override
        switch gradient.block {
        case .target:
            let note = override?.gradient.map { gradientText($0) }
                ?? text(figure.graph[edge.from].isData ? "(data)" : "(target)", color: theme.muted, size: captionSize, italic: true)
            return [grid.wideRow(note, padding: 2, height: grid.cellHeight)]
        case _ where override?.gradient != nil:
            return [grid.wideRow(gradientText(override!.gradient!), padding: 2, height: blockHeight)]
        case .blanks where label.heat:
            var rows = [grid.blockRow(prefix: gradient.prefix, heatmapTable(nil, shape: shape, strings: nil, hidden: true, border: theme.gradient))]
            if label.range { rows.append(rangeRow(grid, "\u{00A0}", color: theme.gradient)) }
            return rows
        case .blanks:
            return answerBoxRows(label, grid, prefix: gradient.prefix)
        case .entries(let entries):
            var rows: [String] = []
            let hidden = !gradientKnown(edge)
            if label.heat {
                rows.append(grid.blockRow(prefix: gradient.prefix, heatmapTable(label.gradient, shape: shape, strings: entries,
                                                                                hidden: hidden, border: theme.gradient)))
            } else {
                let mark = hiddenMark(label)
                rows += grid.tensorRows(prefix: gradient.prefix, color: theme.gradient) { i in
                    gradientText(hidden ? mark : entries[i], size: label.entrySize, prefixed: false)
                }
            }
            if label.range, let g = label.gradient { rows.append(rangeRow(grid, hidden ? "?" : rangeText(g), color: theme.gradient)) }
            return rows
        }
    }

    /// Uniform answer boxes (filled in on the answer key); a large tensor
    /// asks for its highlighted top-left block, the rest greyed. No range
    /// line: it would give the answers away (the legend says what to fill in).
    func answerBoxRows(_ label: EdgeLabelFacts, _ grid: LabelGrid, prefix: String?) -> [String] {
        let boxes = figure.options.answerBoxes
        var boxGrid = grid
        boxGrid.cellHeight = Int(boxes.height.rounded()) + 4
        boxGrid.ellipsisHeight = 12
        let corner = AnswerBoxes.asksBlock(label.shape)
        let answers = boxes.filled ? numbers.gradient(label.edge, figure) : nil
        return boxGrid.tensorRows(prefix: prefix, color: theme.gradient) { i in
            guard AnswerBoxes.asks(i, of: label.shape) else { return greyedEntry() }
            return answerBox(answers.map { (label.isScalar ? theme.gradientPrefix : "") + $0[i] }, highlighted: corner)
        }
    }

    /// `--local`: the local derivative under the gradient it multiplied into (CS231n style),
    /// in the operation's own words; its number once the gradient is shown. Under a tensor
    /// it wraps to the tensor's width (a wider cell would stretch the bracket columns), and
    /// its row is as high as the full caption needs in every frame, so the rule never moves.
    func localDerivativeRow(_ label: EdgeLabelFacts, _ grid: LabelGrid) -> String? {
        guard let caption = figure.textCache.localCaption(label.edge, figure) else { return nil }
        let minimumWidth = minimumColumnWidth(label)
        let limit = label.isScalar ? Double.infinity
            : grid.cols.reduce(8.0) { $0 + ($1.map { grid.columnWidths[$0] ?? minimumWidth } ?? 14) }
        let full = LocalDerivativeCaption.wrap(caption.text, width: limit, size: captionSize)
        let shown = gradientKnown(label.edge) ? full : LocalDerivativeCaption.wrap(caption.rule, width: limit, size: captionSize)
        let lines = shown.map { text($0, color: theme.muted, size: captionSize, italic: true) }
        return grid.wideRow(lines.joined(separator: "<BR/>"), padding: 1,
                            height: Int((Double(full.count) * captionSize * 1.3).rounded(.up)) + 2)
    }

    func gradientText(_ s: String, size: Double? = nil, prefixed: Bool = true) -> String {
        text((prefixed ? theme.gradientPrefix : "") + s, color: theme.gradient, size: size ?? valueSize, italic: theme.gradientItalic)
    }

    // MARK: - Text and tensors

    func fmt(_ x: Double) -> String {
        switch x {  // the sizes figures use, as NumberFormat(minus: "-") writes them
        case 15: return "15"
        case 13: return "13"
        case 12: return "12"
        case 11: return "11"
        case 10.5: return "10.5"
        case 10: return "10"
        case 9: return "9"
        default: return NumberFormat(minus: "-").string(x)
        }
    }

    func text(_ s: String, color: String, size: Double, italic: Bool = false, bold: Bool = false) -> String {
        // A line break in `s` is a `<BR/>` (a fan-out sum on two lines).
        // (A byte test: `contains("\n")` on a String is Foundation's `range(of:)`, ~6k instructions a call.)
        var inner = s.utf8.contains(UInt8(ascii: "\n")) ? s.split(separator: "\n", omittingEmptySubsequences: false).map { DOT.html(String($0)) }.joined(separator: "<BR/>")
                                      : DOT.html(s)
        if inner.isEmpty { return "" }
        if italic { inner = "<I>" + inner + "</I>" }
        if bold { inner = "<B>" + inner + "</B>" }
        return "<FONT COLOR=\"\(color)\" POINT-SIZE=\"\(fmt(size))\">\(inner)</FONT>"
    }

    /// Rows and columns to show: all, or the first ones, an ellipsis (nil) and the last.
    func visible(_ n: Int, max limit: Int) -> [Int?] {
        if n <= limit { return Array(0..<n) }
        return Array(0..<(limit - 1)) + [nil, n - 1]
    }

    func tensorTable(_ t: Tensor, color: String, hidden: Bool, italic: Bool = false) -> String {
        let rows = t.rank == 2 ? t.shape[0] : 1
        let cols = t.lastAxisLength
        let shownRows = visible(rows, max: figure.options.maxMatrixRows)
        let shownCols = visible(cols, max: figure.options.maxMatrixColumns)
        var html = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\" COLOR=\"\(color)\">"
        for (r, row) in shownRows.enumerated() {
            html += "<TR>"
            if r == 0 {
                html += "<TD ROWSPAN=\"\(shownRows.count)\" BORDER=\"1\" SIDES=\"LTB\" WIDTH=\"3\" COLOR=\"\(color)\"></TD>"
            }
            for col in shownCols {
                let s: String
                switch (row, col) {
                case (nil, nil): s = "⋱"
                case (nil, _): s = "⋮"
                case (_, nil): s = "⋯"
                case (let i?, let j?): s = hidden ? "?" : format.string(t.scalars[i * cols + j])
                }
                let align = (row == nil || col == nil) ? "CENTER" : "RIGHT"
                html += "<TD ALIGN=\"\(align)\" CELLPADDING=\"2\">\(text(s, color: color, size: matrixSize, italic: italic))</TD>"
            }
            if r == 0 {
                html += "<TD ROWSPAN=\"\(shownRows.count)\" BORDER=\"1\" SIDES=\"RTB\" WIDTH=\"3\" COLOR=\"\(color)\"></TD>"
            }
            html += "</TR>"
        }
        html += "</TABLE>"
        return html
    }

    // MARK: - Tooltips and legend

    func describe(_ t: Tensor?, known: Bool, _ strings: @autoclosure () -> [String]?) -> String {
        guard known else { return "?" }
        guard let t else { return "none" }
        switch t.rank {
        case 0: return strings()![0]
        default:
            let shown = strings()!.prefix(12).joined(separator: ", ")
            return "\(describeShape(t.shape)) [\(shown)\(t.count > 12 ? ", …" : "")]"
        }
    }

    func tooltip(node id: NodeID) -> String {
        let node = graph[id]
        let name = displayName(id)
        let kind: String
        switch node.kind {
        case .leaf: kind = "input"
        case .constant: kind = "constant"
        case .operation(let op): kind = "operation \(op.symbol)"
        }
        let value = describe(figure.backward.forward.value(of: id), known: valueKnown(id), values(id))
        let gradKnown = !figure.options.worksheet && (frame.gradients == nil || figure.edges(from: id).contains { gradientKnown($0) })
        let grad = describe(figure.backward.gradient(of: id), known: gradKnown, numbers.gradient(of: id, figure))
        if node.kind == .constant { return "constant \(value)" }
        return "\(name) (\(kind)) = \(value); ∂\(outputName)/∂\(name) = \(grad)"
    }

    func tooltip(edge: FigureEdge) -> String {
        let from = displayName(edge.from)
        let target = edge.to.map { nodeTitle(graph[$0]) } ?? "output"
        let value = describe(figure.backward.forward.value(of: edge.from), known: valueKnown(edge.from), values(edge.from))
        let grad = describe(figure.gradient(on: edge), known: gradientKnown(edge) && !figure.options.worksheet,
                            numbers.gradient(edge, figure))
        return "\(from) → \(target): value \(value), gradient \(grad)"
    }

    func legend() -> String {
        let sample = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">"
            + "<TR><TD CELLPADDING=\"2\">\(text("value", color: theme.text, size: captionSize + 1))</TD></TR>"
            + "<TR><TD HEIGHT=\"1\" WIDTH=\"60\" BGCOLOR=\"\(theme.edge)\"></TD></TR>"
            + "<TR><TD CELLPADDING=\"2\">\(gradientText("∂\(outputName)/∂value", size: captionSize + 1, prefixed: false))</TD></TR></TABLE>"
        let words = figure.options.worksheet ? "fill in each box with ∂\(outputName)/∂value" : "on every edge"
        return "<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"4\"><TR><TD>\(sample)</TD><TD>\(text(words, color: theme.muted, size: captionSize + 1))</TD></TR></TABLE>"
    }

    // MARK: - Pinning

    /// Pins a node to its place in the layout (found by its `id`).
    func pin(_ attrs: inout [String: DOTValue]) {
        guard case .string(let id)? = attrs["id"], let g = layout?.nodes[id] else { return }
        attrs["pos"] = .string(g.pos)
        attrs["width"] = .string(g.width)
        attrs["height"] = .string(g.height)
    }

    func pinned(_ attrs: [String: DOTValue], edge id: String) -> [String: DOTValue] {
        guard let pos = layout?.edges[id] else { return attrs }
        var a = attrs
        a["pos"] = .string(pos)
        return a
    }
}

/// The column grid of an edge label: an optional prefix column, then a
/// scalar's one column or a tensor's bracket, entries and bracket.
struct LabelGrid {
    let shape: [Int]
    /// Rows and columns shown (`nil` = the ellipsis).
    let rows: [Int?]
    let cols: [Int?]
    var hasPrefix = false
    /// Minimum width (points) of each entry column, by column index.
    var columnWidths: [Int: Double] = [:]
    /// Height (points) of every entry cell: more than any text or box in it
    /// needs, so rows are equally tall in every frame and the rule never moves.
    var cellHeight = 0
    /// Height of a row of ellipses (⋮ ⋱), if lower than `cellHeight` (worksheet boxes).
    var ellipsisHeight: Int? = nil

    init(shape: [Int], rows: [Int?], cols: [Int?]) {
        self.shape = shape
        self.rows = rows
        self.cols = cols
    }

    var isScalar: Bool { shape.isEmpty }
    /// Columns between the two 1pt edge columns.
    var innerCount: Int { (hasPrefix ? 1 : 0) + (isScalar ? 1 : cols.count + 2) }
    /// Every column, including a 1pt column at each end: the rule extends
    /// into them, so it overlaps the edges that end on its port cell by a
    /// point and no rounding can open a seam between edge and rule.
    var columnCount: Int { innerCount + 2 }
    let edgeCell = "<TD WIDTH=\"1\"></TD>"

    /// One cell across the grid.
    func wideRow(_ content: String, padding: Int, height: Int? = nil) -> String {
        let h = height.map { " HEIGHT=\"\($0)\"" } ?? ""
        return "<TR>\(edgeCell)<TD COLSPAN=\"\(innerCount)\" CELLPADDING=\"\(padding)\"\(h)>\(content)</TD>\(edgeCell)</TR>"
    }

    /// One block (a heatmap glyph) beside the prefix column, across the entry columns.
    func blockRow(prefix: String?, _ content: String) -> String {
        let prefixCell = hasPrefix ? "<TD ALIGN=\"RIGHT\" CELLPADDING=\"2\">\(prefix ?? "")</TD>" : ""
        return "<TR>\(edgeCell)\(prefixCell)<TD COLSPAN=\"\(innerCount - (hasPrefix ? 1 : 0))\" CELLPADDING=\"2\">\(content)</TD>\(edgeCell)</TR>"
    }

    /// An empty row `height` points high.
    func spacer(_ height: Int) -> String {
        "<TR><TD COLSPAN=\"\(columnCount)\" HEIGHT=\"\(height)\"></TD></TR>"
    }

    /// The rule the edge runs through; its middle cell is the port `r`.
    func ruleRow(color: String, width: Int?) -> String {
        let end = "<TD WIDTH=\"1\" HEIGHT=\"2\" BGCOLOR=\"\(color)\"></TD>"
        return "<TR>\(end)<TD PORT=\"r\" HEIGHT=\"2\"\(width.map { " WIDTH=\"\($0)\"" } ?? "") COLSPAN=\"\(innerCount)\" BGCOLOR=\"\(color)\"></TD>\(end)</TR>"
    }

    /// The rule's width in a pinned frame: the laid-out label's width (inches) in whole points, less its end columns.
    static func ruleWidth(_ label: GraphvizLayout.NodeGeometry) -> Int {
        Int(((Double(label.width) ?? 0) * 72).rounded()) - 2
    }

    /// An unpinned edge-label statement (DOT bytes) as a pinned frame writes
    /// it: `width` on the rule's port cell (`ruleRow`); nil when it has no such cell.
    static func pinningRule(_ statement: [UInt8], width: Int) -> [UInt8]? {
        let cell = Array("<TD PORT=\"r\" HEIGHT=\"2\"".utf8)
        guard let at = firstIndex(of: cell, in: statement), firstIndex(of: cell, in: statement, from: at + 1) == nil else { return nil }
        var out = statement
        out.insert(contentsOf: Array(" WIDTH=\"\(width)\"".utf8), at: at + cell.count)
        return out
    }

    func widthAttribute(_ col: Int, ellipsisRow: Bool = false) -> String {
        let height = ellipsisRow ? (ellipsisHeight ?? cellHeight) : cellHeight
        let h = height > 0 ? " HEIGHT=\"\(height)\"" : ""
        guard let w = columnWidths[col] else { return h }
        return " WIDTH=\"\(Int(w.rounded(.up)))\"" + h
    }

    /// The rows of one tensor: `entry(i)` gives the content for flat index `i`.
    func tensorRows(prefix: String?, color: String, entry: (Int) -> String) -> [String] {
        let prefixCell: (Int) -> String = { span in
            hasPrefix ? "<TD ROWSPAN=\"\(span)\" ALIGN=\"RIGHT\" CELLPADDING=\"2\">\(prefix ?? "")</TD>" : ""
        }
        if isScalar { return ["<TR>\(edgeCell)\(prefixCell(1))<TD CELLPADDING=\"2\"\(widthAttribute(0))>\(entry(0))</TD>\(edgeCell)</TR>"] }
        let width = shape.last ?? 1
        var out: [String] = []
        for (r, row) in rows.enumerated() {
            var tr = "<TR>" + edgeCell
            if r == 0 {
                tr += prefixCell(rows.count)
                tr += "<TD ROWSPAN=\"\(rows.count)\" BORDER=\"1\" SIDES=\"LTB\" WIDTH=\"3\" COLOR=\"\(color)\"></TD>"
            }
            for col in cols {
                switch (row, col) {
                case (let i?, let j?):
                    tr += "<TD ALIGN=\"RIGHT\" CELLPADDING=\"2\"\(widthAttribute(j))>\(entry(i * width + j))</TD>"
                default:
                    let mark = row == nil ? (col == nil ? "⋱" : "⋮") : "⋯"
                    tr += "<TD CELLPADDING=\"2\"\(widthAttribute(-1, ellipsisRow: row == nil))><FONT COLOR=\"\(color)\" POINT-SIZE=\"10\">\(mark)</FONT></TD>"
                }
            }
            if r == 0 {
                tr += "<TD ROWSPAN=\"\(rows.count)\" BORDER=\"1\" SIDES=\"RTB\" WIDTH=\"3\" COLOR=\"\(color)\"></TD>"
            }
            out.append(tr + edgeCell + "</TR>")
        }
        return out
    }
}
