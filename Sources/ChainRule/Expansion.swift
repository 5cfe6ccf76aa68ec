/// Rewriting fused operations into primitives, with equal gradients. Each
/// fused operation's definition holds its expansion, e.g.
///
/// - `sigmoid(x) = recip(1 + exp(x × (−1)))`
/// - `softmax(x) = exp(x) / sum(exp(x), along the last axis)`
/// - `softmax_cross_entropy(z, t) = cross_entropy(softmax(z), t)`
extension Graph {
    /// The graph with every fused operation (or those for which `shouldExpand`
    /// returns `true`) replaced by primitives, and for each original node the
    /// node that now holds its value.
    public func expanded(where shouldExpand: (Node) -> Bool = { _ in true }) -> (graph: Graph, mapping: [NodeID]) {
        var g = Graph()
        var map: [NodeID] = []
        for node in nodes {
            let inputs = node.inputs.map { map[$0.index] }
            let new: NodeID
            do {
                switch node.kind {
                case .leaf: new = g.leaf(node.name, initialValues[node.id.index]!, isData: node.isData)
                case .constant: new = g.constant(initialValues[node.id.index]!)
                case .operation(let op) where op.isFused && shouldExpand(node):
                    new = try op.definition.expansion!(&g, inputs)
                    g.setName(node.name, of: new)
                case .operation(let op):
                    new = try g.apply(op, inputs, name: node.name)
                }
            } catch {
                preconditionFailure("expansion changed a shape: \(error)")
            }
            map.append(new)
        }
        return (g, map)
    }
}
