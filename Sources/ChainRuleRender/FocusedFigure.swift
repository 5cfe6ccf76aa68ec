import ChainRule

/// The part of a figure within `radius` hops of one node (`chainrule draw
/// --focus NAME --radius K`): every node at most K edges away, in either
/// direction, with its constants. What is left out becomes a labelled stub
/// (`… 14 more inputs`, `… 3 more uses`). The focus node's chain rule stays
/// complete: every use of it is drawn (each branch with its share of the
/// gradient) and its trunk shows the sum of all of them.
public struct FigureFocus: Sendable, Equatable {
    /// The node in the middle (a node of `Figure.graph`).
    public let center: NodeID
    /// How many edges away from `center` nodes are still drawn (at least 1).
    public let radius: Int
    /// The nodes drawn.
    public let nodes: Set<NodeID>
    /// Per drawn operation, how many of its inputs are left out.
    public let elidedInputs: [NodeID: Int]
    /// Per drawn node, how many of its uses are left out.
    public let elidedUses: [NodeID: Int]

    /// The neighbourhood of `center` in `figure`; `radius` is at least 1.
    public init(_ figure: Figure, center: NodeID, radius: Int = 1) {
        self.init(figure, centers: [center], radius: radius)
    }

    /// The neighbourhood of several nodes (a lesson step's highlighted
    /// nodes): everything within `radius` of any of them. `center` is the
    /// first; `centers` must not be empty.
    public init(_ figure: Figure, centers: [NodeID], radius: Int = 1) {
        precondition(!centers.isEmpty, "a focus needs a node")
        let graph = figure.graph
        self.center = centers[0]
        self.radius = max(1, radius)
        var distance: [NodeID: Int] = [:]
        for c in centers { distance[c] = 0 }
        var frontier = Array(Set(centers)).sorted()
        for hop in 1...self.radius {
            var next: [NodeID] = []
            for n in frontier {
                let neighbours = graph[n].inputs + figure.consumers[n.index].map(\.node)
                for m in neighbours where graph[m].kind != .constant && distance[m] == nil {
                    distance[m] = hop
                    next.append(m)
                }
            }
            frontier = next
        }
        var nodes = Set(distance.keys)
        for n in Array(nodes) { for i in graph[n].inputs where graph[i].kind == .constant { nodes.insert(i) } }
        var inputs: [NodeID: Int] = [:]
        var uses: [NodeID: Int] = [:]
        for n in nodes where graph[n].kind != .constant {
            let missingInputs = graph[n].inputs.filter { !nodes.contains($0) }.count
            if missingInputs > 0 { inputs[n] = missingInputs }
            let missingUses = figure.consumers[n.index].filter { !nodes.contains($0.node) }.count
            if missingUses > 0 { uses[n] = missingUses }
        }
        self.nodes = nodes
        self.elidedInputs = inputs
        self.elidedUses = uses
    }

    /// The DOT object ids drawn (nodes, labels, flows), as `DOTWriter.include` wants them.
    func objectIDs(_ figure: Figure) -> Set<String> {
        var ids: Set<String> = []
        for n in nodes {
            ids.insert("node-\(n.index)")
            ids.insert("output-\(n.index)")
            ids.insert("fork-\(n.index)")
            let trunk = FigureEdge.value(of: n).key
            ids.formUnion([trunk, trunk + "-in", trunk + "-out"])
            for use in figure.consumers[n.index] where nodes.contains(use.node) {
                let key = FigureEdge.operand(n, into: use.node, at: use.operand).key
                ids.formUnion([key, key + "-in", key + "-out", "const-\(n.index)-\(use.node.index)-\(use.operand)"])
            }
        }
        return ids
    }
}

extension Figure {
    /// The DOT source of the neighbourhood `focus` showing `frame` (by
    /// default the finished pass), for the `dot` engine.
    public func focusedDOT(_ focus: FigureFocus, frame: FigureFrame = .complete) -> String {
        var writer = DOTWriter(figure: self, frame: frame, layout: nil)
        writer.focus = focus
        writer.include = focus.objectIDs(self)
        return writer.write()
    }

    /// Lays out and renders the neighbourhood `focus` (within `FigureBudget`, like every figure).
    public func renderFocused(_ focus: FigureFocus, frame: FigureFrame = .complete,
                              format: GraphvizFormat = .svg) throws(GraphvizError) -> [UInt8] {
        var text = focusedDOT(focus, frame: frame)
        let budget = FigureBudget(dot: text, graphNodes: focus.nodes.count)
        if let refusal = budget.refusal { throw GraphvizError(stage: FigureBudget.refusalStage, message: refusal) }
        text = budget.tuned(text)
        if format == .dot { return Array(text.utf8) }
        if format == .png, let brace = text.firstIndex(of: "{") {
            text.insert(contentsOf: "\n  dpi=\"\(options.pngDPI)\";", at: text.index(after: brace))
        }
        return try Graphviz.render(dot: text, engine: .dot, format: format)
    }
}

extension DOTWriter {
    /// The stubs of a focused figure: `… N more inputs` into an operation
    /// whose inputs are left out, `… N more uses` out of a value whose uses are.
    mutating func writeFocusStubs(_ b: inout DOTBuilder, _ focus: FigureFocus) {
        let stubAttrs: [String: DOTValue] = ["shape": .string("plaintext"), "margin": .string("0.02,0.01")]
        let edgeAttrs: [String: DOTValue] = ["style": .string("dashed"), "penwidth": .string("1.2"),
                                             "arrowsize": .string("0.6"), "class": .string("flow stub-flow")]
        func words(_ n: Int, _ one: String, _ many: String) -> String { "… \(n) more \(n == 1 ? one : many)" }
        for n in focus.elidedInputs.keys.sorted() {
            let count = focus.elidedInputs[n]!
            let key = "stub-in-\(n.index)"
            let stub = title(for: key, "\(words(count, "input", "inputs")) of \(nodeTitle(graph[n]))")
            var attrs = stubAttrs
            attrs["id"] = .string(key)
            attrs["class"] = .string("stub")
            attrs["label"] = .html(text(words(count, "input", "inputs"), color: theme.muted, size: valueSize, italic: true))
            b.node(stub, attrs)
            let head = title(for: "node-\(n.index)", nodeTitle(graph[n]))
            var e = edgeAttrs
            e["id"] = .string(key + "-flow")
            b.edge(stub, to: head, e)
        }
        for n in focus.elidedUses.keys.sorted() {
            let count = focus.elidedUses[n]!
            let key = "stub-out-\(n.index)"
            let stub = title(for: key, "\(words(count, "use", "uses")) of \(displayName(n))")
            var attrs = stubAttrs
            attrs["id"] = .string(key)
            attrs["class"] = .string("stub")
            attrs["label"] = .html(text(words(count, "use", "uses"), color: theme.muted, size: valueSize, italic: true))
            b.node(stub, attrs)
            let uses = figure.consumers[n.index].count
            let tail = uses > 1 ? title(for: "fork-\(n.index)", "\(displayName(n)) splits")
                                : title(for: "node-\(n.index)", nodeTitle(graph[n]))
            var e = edgeAttrs
            e["id"] = .string(key + "-flow")
            b.edge(tail, to: stub, e)
        }
    }
}
