import ChainRule

/// A compiled graph script: the graph, its output, the names it assigned and
/// where every node came from in the source.
public struct Script: Sendable {
    /// The graph: leaves, constants and operations, in statement order.
    public let graph: Graph
    /// The last statement's node.
    public let output: NodeID
    /// Every assigned name and its node, in assignment order.
    public let names: [(name: String, node: NodeID)]
    /// The groups of `group NAME { … }` blocks, with the nodes of their
    /// statements (empty if the script has none; see `Graph.inferredGroups()`).
    public let groups: NodeGroups
    /// The file name diagnostics use.
    public var fileName: String { source.fileName }
    /// The script's text (without a byte-order mark).
    public var text: String { String(decoding: source.bytes[source.contentStart...], as: UTF8.self) }

    let source: SourceText
    /// Where each node is, indexed like `graph.nodes`.
    let sites: [Site]

    init(graph: Graph, output: NodeID, names: [(name: String, node: NodeID)], source: SourceText, sites: [Site],
         groups: NodeGroups = .none) {
        self.graph = graph
        self.groups = groups
        self.output = output
        self.names = names
        self.source = source
        self.sites = sites
    }

    /// The output's name.
    public var outputName: String { graph[output].name ?? names.last?.name ?? "" }

    /// Where the node's operator, function call or literal is (for a leaf, its
    /// literal or initialiser; for `y = x`, the `x`).
    public func location(of node: NodeID) -> SourceLocation? {
        guard node.index >= 0, node.index < sites.count else { return nil }
        return sites[node.index].location
    }

    /// The node assigned to `name`, if any.
    public func node(named name: String) -> NodeID? { names.first { $0.name == name }?.node }

    /// A diagnostic pointing at `node` (its operator, call or literal), for
    /// errors found after compiling (say, while checking gradients).
    public func diagnostic(at node: NodeID, _ message: String, notes: [String] = []) -> Diagnostic {
        let site = node.index < sites.count ? sites[node.index] : Site(offset: source.contentStart, line: source.firstLine, column: 1)
        return source.diagnostic(at: site, message, notes: notes)
    }

    /// A forward-pass error (a bad class label) as a diagnostic on the line
    /// of the `cross_entropy` / `softmax_cross_entropy` call.
    public func diagnostic(for error: EvaluationError) -> Diagnostic {
        var notes: [String] = []
        let node = graph[error.node]
        if node.inputs.count == 2, let op = node.operation, !op.targetOperands.isEmpty {
            let p = graph[node.inputs[0]], t = graph[node.inputs[1]]
            let target = t.name.map { "'\($0)'" } ?? "the target"
            if t.shape != p.shape {
                notes.append("\(target) has shape \(describeShape(t.shape)), so it holds class indices for predictions of shape \(describeShape(p.shape))")
            }
        }
        return diagnostic(at: error.node, error.message, notes: notes)
    }

    /// The forward pass.
    public func forward() throws(Diagnostic) -> Forward {
        do {
            return try graph.forward()
        } catch {
            throw diagnostic(for: error)
        }
    }

    /// Forward and backward from `output` (seeded with ones of its shape).
    /// A bad class label becomes a diagnostic on the line of the
    /// cross-entropy call. Non-finite values are not errors.
    public func evaluate() throws(Diagnostic) -> Backward {
        try forward().backward(from: output)
    }
}
