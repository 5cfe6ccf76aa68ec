import ChainRule

// A leaf used many times far apart (a weight reused by every statement of a
// chain) is drawn as one copy per use, each labelled with the leaf's name:
// otherwise its edges cross the whole figure and `dot` threads thousands of
// virtual nodes through them (see `FigureBudget`). The first copy keeps the
// leaf's `id` and its trunk — the value and the summed gradient
// (`Σ 64 branches = …`) — ending in a fork into its first use; every other
// copy feeds its use directly, labelled with that use's share.

extension DOTWriter {
    mutating func writeSplitLeaf(_ b: inout DOTBuilder, _ node: Node, uses: [(node: NodeID, operand: Int)],
                                 depth: [Int], inputs: inout [String]) {
        let i = node.id.index
        for (k, use) in uses.enumerated() {
            let key = k == 0 ? "node-\(i)" : "node-\(i)-use-\(k + 1)"
            let name = title(for: key, k == 0 ? nodeTitle(node) : "\(displayName(node.id)) (use \(k + 1) of \(uses.count))")
            addNode(&b, name: name, key: key, node: node)
            if k == 0 && depth[use.node.index] <= 2 { inputs.append(name) }  // copies sit next to their use
            var source = name
            if k == 0 {
                let trunk = FigureEdge.value(of: node.id)
                let label = addEdgeLabel(&b, trunk)
                connect(&b, from: name, into: label, edge: trunk)
                let fork = title(for: "fork-\(i)", "\(displayName(node.id)) splits")
                if wants("fork-\(i)") {
                    var attrs: [String: DOTValue] = [
                        "shape": .string("point"), "width": .string("0.07"), "height": .string("0.07"),
                        "color": .string(theme.edge), "fillcolor": .string(theme.edge),
                        "id": .string("fork-\(i)"), "class": .string("fork"),
                        "tooltip": .string("\(displayName(node.id)) is used \(uses.count) times (drawn once per use): its gradient is the sum of the branches"),
                    ]
                    pin(&attrs)
                    b.node(fork, attrs)
                }
                connect(&b, out: label, to: fork, edge: trunk, arrow: false)
                source = fork
            }
            let edge = FigureEdge.operand(node.id, into: use.node, at: use.operand)
            let label = addEdgeLabel(&b, edge)
            connect(&b, from: source, into: label, edge: edge)
            let head = title(for: "node-\(use.node.index)", nodeTitle(graph[use.node]))
            connect(&b, out: label, to: head, edge: edge, arrow: true)
        }
    }
}
