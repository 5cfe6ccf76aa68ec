/// The values of every node after a forward pass.
public struct Forward: Sendable {
    /// The graph that was evaluated.
    public let graph: Graph
    /// Every node's value, indexed like `graph.nodes`.
    public let values: [Tensor]

    /// The value of a node.
    public func value(of id: NodeID) -> Tensor { values[id.index] }

    /// Runs the backward pass from `output`, seeded with ones of its shape
    /// (so a non-scalar output means the gradient of its sum), or with `seed`.
    public func backward(from output: NodeID, seed: Tensor? = nil) -> Backward {
        Backward(forward: self, output: output, seed: seed ?? .ones(graph[output].shape))
    }
}
