/// One cluster of nodes that belong together in a figure: a neuron, a
/// layer, or a group a script names with `group NAME { … }`.
public struct NodeGroup: Hashable, Sendable {
    /// What the group stands for (inferred groups know; a script's groups are `.group`).
    public enum Kind: String, Hashable, Sendable {
        /// A group named by a script (`group NAME { … }`).
        case group
        /// An inferred neuron: a weighted sum and its activation.
        case neuron
        /// An inferred layer: neurons with the same inputs.
        case layer
    }

    /// The label drawn on the cluster (`layer 1`, `neuron 1.2`, the script's name).
    public var name: String
    /// What the group stands for.
    public var kind: Kind
    /// The enclosing group (an index into `NodeGroups.groups`), if any.
    public var parent: Int?
    /// The nodes directly in this group (not those of its child groups), in order.
    public var nodes: [NodeID]

    /// A group named `name` holding `nodes`, inside group `parent` if any.
    public init(name: String, kind: Kind = .group, parent: Int? = nil, nodes: [NodeID] = []) {
        self.name = name
        self.kind = kind
        self.parent = parent
        self.nodes = nodes
    }
}

/// Which groups `--collapse` folds into one box each.
public enum CollapseLevel: String, Hashable, Sendable, CaseIterable {
    /// The innermost groups (those with no group inside them): neurons.
    case neurons
    /// The outermost groups (those in no other group): layers.
    case layers
}

/// The groups of a graph's nodes: a forest of `NodeGroup`s. A node is in at
/// most one group directly (its innermost), and so in that group's ancestors.
///
/// Groups come from a script (`group NAME { … }`, see docs/LANGUAGE.md) or
/// are inferred from the graph's structure (`Graph.inferredGroups()`).
public struct NodeGroups: Hashable, Sendable {
    /// Parents come before their children.
    public private(set) var groups: [NodeGroup]
    /// The innermost group of each node (indexed by node), or -1.
    private var innermost: [Int]
    /// Each group's children, and the top-level groups (last).
    private var childLists: [[Int]]

    /// No groups.
    public static let none = NodeGroups(groups: [], nodeCount: 0)

    /// `groups` must list parents before children, and no node twice.
    public init(groups: [NodeGroup], nodeCount: Int) {
        self.groups = groups
        let count = max(nodeCount, (groups.flatMap(\.nodes).map(\.index).max() ?? -1) + 1)
        innermost = Array(repeating: -1, count: count)
        childLists = Array(repeating: [], count: groups.count + 1)
        for (g, group) in groups.enumerated() {
            precondition(group.parent.map { $0 < g } ?? true, "a group's parent comes before it")
            for node in group.nodes { innermost[node.index] = g }
            childLists[group.parent ?? groups.count].append(g)
        }
    }

    /// Whether there are no groups at all.
    public var isEmpty: Bool { groups.isEmpty }

    /// The innermost group holding `node`, if any.
    public func group(of node: NodeID) -> Int? {
        guard node.index >= 0, node.index < innermost.count else { return nil }
        let g = innermost[node.index]
        return g < 0 ? nil : g
    }

    /// The groups directly inside group `g` (or the top-level groups for `nil`).
    public func children(of g: Int?) -> [Int] {
        childLists[g ?? groups.count]
    }

    /// `g` and the groups it is inside, innermost first.
    public func ancestry(of g: Int) -> [Int] {
        var out = [g]
        while let p = groups[out.last!].parent { out.append(p) }
        return out
    }

    /// Whether `node` is in group `g` or in a group inside it.
    public func contains(_ g: Int, _ node: NodeID) -> Bool {
        guard let inner = group(of: node) else { return false }
        return ancestry(of: inner).contains(g)
    }

    /// Every node in group `g` and the groups inside it, in node order.
    public func members(of g: Int) -> [NodeID] {
        var out: [NodeID] = []
        var stack = [g]
        while let k = stack.popLast() {
            out += groups[k].nodes
            stack += childLists[k]
        }
        return out.sorted()
    }

    /// The groups `--collapse level` folds: the innermost ones (no group
    /// inside them) for `.neurons`, the outermost ones for `.layers`.
    public func folded(at level: CollapseLevel) -> [Int] {
        switch level {
        case .neurons:
            let parents = Set(groups.compactMap(\.parent))
            return groups.indices.filter { !parents.contains($0) }
        case .layers:
            return groups.indices.filter { groups[$0].parent == nil }
        }
    }

    /// The same groups on another graph: `mapping[i]` is the node that
    /// stands for node `i` (say, of `Graph.expanded()`); nodes of the new
    /// graph that nothing maps to join the group of their first consumer
    /// (the primitives a fused operation expands into).
    public func mapped(through mapping: [NodeID], in graph: Graph) -> NodeGroups {
        var inner = Array(repeating: -1, count: graph.nodes.count)
        for (old, new) in mapping.enumerated() where new.index < inner.count {
            if let g = group(of: NodeID(old)) { inner[new.index] = g }
        }
        let mappedTo = Set(mapping.map(\.index))
        let consumers = graph.consumers
        for node in graph.nodes.reversed() where !mappedTo.contains(node.id.index) {
            if let use = consumers[node.id.index].first { inner[node.id.index] = inner[use.node.index] }
        }
        var out = groups
        for g in out.indices { out[g].nodes = [] }
        for (index, g) in inner.enumerated() where g >= 0 { out[g].nodes.append(NodeID(index)) }
        return NodeGroups(groups: out, nodeCount: graph.nodes.count)
    }
}
