import ChainRule

/// How a figure looks: theme, expansion, worksheet mode, number format,
/// matrix truncation and an optional legend. These are fixed for a figure;
/// what changes from frame to frame is a `FigureFrame`.
public struct FigureOptions: Sendable {
    /// Colours and fonts: `.light` (the default), `.dark`, `.print`, `.colorblind`.
    public var theme: FigureTheme
    /// Draw fused operations (`sigmoid`, `softmax`, `softmax_cross_entropy`)
    /// expanded into primitives (`Graph.expanded()`).
    public var expandFused: Bool
    /// Gradients as blank boxes to fill in (values shown; the seed at the
    /// output stays visible as the starting point).
    public var worksheet: Bool
    /// A worksheet's answer boxes: one size for all, blank or filled in (the answer key).
    public var answerBoxes = AnswerBoxes()
    /// A small key explaining the value and gradient labels.
    public var legend: Bool
    /// How numbers are written in labels (4 significant digits by default).
    public var numberFormat: NumberFormat
    /// Matrices with more rows/columns than this are truncated with ⋮ / ⋯.
    public var maxMatrixRows: Int
    /// Matrices with more columns than this are truncated with ⋯.
    public var maxMatrixColumns: Int
    /// How tensors larger than that are shown (`CompactTensor.swift`):
    /// `auto` is `compact`, with heatmaps when the figure is fitted to a slide.
    public var tensors: TensorDisplay = .auto
    /// Lay the figure out again, tightened (`SlideFit`), when its first
    /// layout would read below 10 px on a 1280 × 720 slide and the tightened
    /// one reads better (`FigureLayout` and `render` do this; off: `--no-fit`).
    public var fitToSlide = true
    /// The tightening in effect (set by fitting, not by callers).
    package var slideFit: SlideFit? = nil
    /// Line the inputs (leaves) up in the first column, textbook style (those
    /// first used within two operations of the inputs; later ones sit next to their use).
    public var alignInputs: Bool
    /// Resolution of PNG output (96 is Graphviz's default; 192 suits slides and high-density screens).
    public var pngDPI: Int
    /// Clusters to draw (a script's `group` blocks or `Graph.inferredGroups()`),
    /// by node IDs of the graph the figure is made from.
    public var groups: NodeGroups
    /// Fold each group of this level into one box (`--collapse`); nil draws every node.
    public var collapse: CollapseLevel?
    /// Under each gradient, the edge's local derivative, CS231n style, in the words of the
    /// operation's definition (`∂price/∂apple = n = 2`, `∂L/∂W = Xᵀ · ∂L/∂A`): `--local`.
    public var localDerivatives = false

    /// Options for a figure; every one has the default `chainrule draw` uses.
    /// Matrix limits are at least 2, and `pngDPI` is kept within 36…1200.
    public init(theme: FigureTheme = .light, expandFused: Bool = false, worksheet: Bool = false,
                legend: Bool = false, numberFormat: NumberFormat = .figure,
                maxMatrixRows: Int = 4, maxMatrixColumns: Int = 4, alignInputs: Bool = true, pngDPI: Int = 192,
                groups: NodeGroups = .none, collapse: CollapseLevel? = nil) {
        self.theme = theme
        self.expandFused = expandFused
        self.worksheet = worksheet
        self.legend = legend
        self.numberFormat = numberFormat
        self.maxMatrixRows = max(2, maxMatrixRows)
        self.maxMatrixColumns = max(2, maxMatrixColumns)
        self.alignInputs = alignInputs
        self.pngDPI = max(36, min(1200, pngDPI))
        self.groups = groups
        self.collapse = collapse
    }
}

/// One labelled edge of a figure: the value of `from` flowing into operand
/// `operand` of `to`, or — when `to` is `nil` — the value leaving `from`
/// itself (into the output's name, or the trunk before a fan-out).
public struct FigureEdge: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The node whose value the edge carries.
    public let from: NodeID
    /// The operation it flows into, or `nil` for the value's own edge.
    public let to: NodeID?
    /// Which operand of `to` it is (0 when `to` is `nil`).
    public let operand: Int

    /// The edge from `from` into operand `operand` of `to` (or `from`'s own
    /// value edge when `to` is `nil`); `operand(_:into:at:)` and
    /// `value(of:)` say the same more clearly.
    public init(from: NodeID, to: NodeID?, operand: Int = 0) {
        self.from = from
        self.to = to
        self.operand = to == nil ? 0 : operand
    }

    /// The edge carrying `from` into operand `operand` of `to`.
    public static func operand(_ from: NodeID, into to: NodeID, at operand: Int) -> FigureEdge {
        FigureEdge(from: from, to: to, operand: operand)
    }

    /// The edge carrying `node`'s own value: into the output's name label,
    /// or the trunk before a fan-out, whose gradient is the sum of the branches.
    public static func value(of node: NodeID) -> FigureEdge { FigureEdge(from: node, to: nil) }

    public static func < (a: FigureEdge, b: FigureEdge) -> Bool {
        (a.from, a.to?.index ?? -1, a.operand) < (b.from, b.to?.index ?? -1, b.operand)
    }

    /// A stable identifier used for SVG ids: `edge-0-2-1`, `value-4`.
    public var key: String {
        if let to { return "edge-\(from.index)-\(to.index)-\(operand)" }
        return "value-\(from.index)"
    }

    public var description: String { key }
}

/// Replacement text for an edge's labels (plain text; it is escaped).
/// Keep it no wider than the final label, or it may overlap its neighbours
/// in a pinned layout.
public struct EdgeLabelOverride: Sendable, Hashable {
    /// Text above the line instead of the value, if not `nil`.
    public var value: String?
    /// Text below the line instead of the gradient, if not `nil`.
    public var gradient: String?
    /// Overrides for the value, the gradient, or both.
    public init(value: String? = nil, gradient: String? = nil) {
        self.value = value
        self.gradient = gradient
    }
}

/// What one frame of a figure shows: which values and gradients are known
/// (the rest are drawn as `?`), what is highlighted, and label overrides.
/// Node IDs are those of `Figure.graph` (map original IDs with `Figure.mapping`).
public struct FigureFrame: Sendable, Hashable {
    /// Nodes whose values are shown; `nil` shows every value.
    public var values: Set<NodeID>?
    /// Edges whose gradients are shown; `nil` shows every gradient.
    public var gradients: Set<FigureEdge>?
    /// Nodes drawn highlighted (the step's focus).
    public var highlightedNodes: Set<NodeID>
    /// Edges drawn highlighted.
    public var highlightedEdges: Set<FigureEdge>
    /// Edges whose labels show other text (an equation's term, `?` for a question).
    public var overrides: [FigureEdge: EdgeLabelOverride]

    /// A frame; by default every value and gradient shown, nothing highlighted.
    public init(values: Set<NodeID>? = nil, gradients: Set<FigureEdge>? = nil,
                highlightedNodes: Set<NodeID> = [], highlightedEdges: Set<FigureEdge> = [],
                overrides: [FigureEdge: EdgeLabelOverride] = [:]) {
        self.values = values
        self.gradients = gradients
        self.highlightedNodes = highlightedNodes
        self.highlightedEdges = highlightedEdges
        self.overrides = overrides
    }

    /// Every value and gradient: the finished backward pass.
    public static let complete = FigureFrame()
    /// Nothing computed yet: every label is `?`.
    public static let unknown = FigureFrame(values: [], gradients: [])
    /// After the forward pass: values shown, gradients `?`.
    public static let forwardOnly = FigureFrame(values: nil, gradients: [])
}

/// A computational graph after its backward pass, ready to be drawn.
///
/// Conventions (docs/FIGURES.md):
/// - Data flows left to right. Leaves are drawn as their names; constants
///   (literals inside expressions) small and grey, joined directly to their
///   operation; operations as circles holding `Operation.symbol`.
/// - Every edge into an operation carries a label: the value above a rule
///   that continues the edge, the gradient below it (∂output/∂value, in the
///   theme's gradient colour).
/// - **Named operation nodes** (`price = apple * n`): the circle shows the
///   operation, and the label on every edge leaving it reads `price = 200`
///   (name in grey italics). The output (and any named node nothing
///   consumes) ends in its name, like a leaf, reached by an edge carrying
///   its value and the seed gradient.
/// - **Fan-out**: a value used several times leaves its node along one
///   trunk, labelled with the value and the summed gradient
///   (`2 + 1 = 3`), then splits at a small dot into one branch per use,
///   each labelled with that use's share of the gradient.
/// - **Broadcasting**: an edge whose gradient was summed back to a smaller
///   operand notes it under the gradient (`Σ axis 0 (broadcast)`).
/// - Vectors and matrices are small bracketed tables with their shape,
///   truncated with ⋮ and ⋯ past `maxMatrixRows` × `maxMatrixColumns`.
public struct Figure: Sendable {
    /// How the figure is drawn.
    public let options: FigureOptions
    /// The backward pass being drawn (of the expanded graph when `expandFused`).
    public let backward: Backward
    /// For each node of the graph the figure was made from, the node that
    /// holds its value in `graph` (the identity unless expanded).
    public let mapping: [NodeID]
    /// Every labelled edge, in drawing order.
    public let edges: [FigureEdge]

    /// The graph being drawn.
    public var graph: Graph { backward.forward.graph }
    /// The output node, where the backward pass started (in `graph`).
    public var output: NodeID { backward.output }

    /// `options.groups` on `graph` (mapped through `mapping` when expanded).
    public let groups: NodeGroups
    let consumers: [[(node: NodeID, operand: Int)]]
    let records: [FigureEdge: EdgeRecord]
    let sums: [NodeID: GradientSum]
    /// Formatted numbers and DOT names, computed once (see `FigureTextCache`).
    let textCache = FigureTextCache()

    /// Prepares a figure of a finished backward pass. With `expandFused`, the
    /// graph is expanded and evaluated again (which can, in principle, fail).
    public init(_ backward: Backward, options: FigureOptions = FigureOptions()) throws(EvaluationError) {
        var pass = backward
        var map = backward.forward.graph.nodes.map(\.id)
        if options.expandFused && backward.forward.graph.nodes.contains(where: { $0.operation?.isFused == true }) {
            let (expanded, mapping) = backward.forward.graph.expanded()
            let seed = backward.gradient(of: backward.output)
            pass = try expanded.forward().backward(from: mapping[backward.output.index], seed: seed)
            map = mapping
        }
        self.options = options
        self.backward = pass
        self.mapping = map
        let graph = pass.forward.graph
        groups = options.groups.isEmpty || map.count == graph.nodes.count && map.enumerated().allSatisfy { $0.element.index == $0.offset }
            ? options.groups : options.groups.mapped(through: map, in: graph)
        consumers = graph.consumers
        var records: [FigureEdge: EdgeRecord] = [:]
        for r in pass.edges { records[.operand(r.from, into: r.to, at: r.operand)] = r }
        self.records = records
        var sums: [NodeID: GradientSum] = [:]
        for s in pass.sums { sums[s.node] = s }
        self.sums = sums
        var edges: [FigureEdge] = []
        for node in graph.nodes {
            if node.kind == .constant { continue }
            let uses = consumers[node.id.index]
            if Self.hasTrunk(node, uses: uses.count, output: pass.output) { edges.append(.value(of: node.id)) }
            for use in uses { edges.append(.operand(node.id, into: use.node, at: use.operand)) }
        }
        self.edges = edges
    }

    /// Whether `node` gets a `.value(of:)` edge: the output, a named result
    /// nothing consumes, or a value that fans out.
    static func hasTrunk(_ node: Node, uses: Int, output: NodeID) -> Bool {
        if node.id == output { return true }
        if uses > 1 { return true }
        if uses == 0, node.operation != nil { return true }
        return false
    }

    /// The labelled edges that carry `node`'s value (its trunk and branches).
    public func edges(from node: NodeID) -> [FigureEdge] { edges.filter { $0.from == node } }

    /// The labelled edges into operation `node`, in operand order.
    public func edges(into node: NodeID) -> [FigureEdge] { edges.filter { $0.to == node } }

    /// The gradient an edge carries: its share of ∂output/∂from (the total
    /// for a `.value(of:)` edge); `nil` into a target.
    public func gradient(on edge: FigureEdge) -> Tensor? {
        guard let to = edge.to else { return backward.gradient(of: edge.from) }
        if let r = records[edge] { return r.contribution }
        if graph[to].operation?.targetOperands.contains(edge.operand) == true || graph[edge.from].isData { return nil }
        return .zeros(graph[edge.from].shape)
    }
}
