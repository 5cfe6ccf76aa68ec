/// The values of every node after a forward pass.
public struct Forward: Sendable {
    /// The graph that was evaluated.
    public let graph: Graph
    /// Every node's value, indexed like `graph.nodes`.
    public var values: [Tensor] {
        switch storage {
        case .tensors(let values): return values
        case .scalars(_, let made): return made.value
        }
    }
    /// What an operation's forward pass saved for its backward pass, by node
    /// index (`TensorRule.saving`: the softmax of a softmax cross-entropy).
    /// Empty for most graphs.
    let saved: [Int: Tensor]

    /// The values as tensors, or — for a graph on the scalar path
    /// (`ScalarProgram`) — as numbers, with the tensors made on first use.
    private enum Storage: Sendable {
        case tensors([Tensor])
        case scalars([Double], MadeOnce<[Tensor]>)
    }
    private let storage: Storage

    init(graph: Graph, values: [Tensor], saved: [Int: Tensor] = [:]) {
        self.graph = graph
        self.storage = .tensors(values)
        self.saved = saved
    }

    /// A scalar-path pass: every node's value as a number.
    init(graph: Graph, scalarValues: [Double]) {
        self.graph = graph
        self.storage = .scalars(scalarValues, MadeOnce { scalarValues.map { Tensor($0) } })
        self.saved = [:]
    }

    /// For a graph on the scalar path, every node's value as a number
    /// (`values[i].scalar`, without making the tensors); otherwise `nil`.
    package var scalarValues: [Double]? {
        if case .scalars(let numbers, _) = storage { return numbers }
        return nil
    }

    /// The value of a node.
    public func value(of id: NodeID) -> Tensor {
        if case .scalars(let numbers, _) = storage { return Tensor(numbers[id.index]) }
        return values[id.index]
    }

    /// Runs the backward pass from `output`, seeded with ones of its shape
    /// (so a non-scalar output means the gradient of its sum), or with `seed`.
    public func backward(from output: NodeID, seed: Tensor? = nil) -> Backward {
        Backward(forward: self, output: output, seed: seed ?? .ones(graph[output].shape))
    }
}

extension Forward {
    /// `∂(sum of output)/∂node` for each of `nodes` only (zeros where no
    /// gradient reaches), or with `seed`. The same numbers as
    /// `backward(from:).gradient(of:)`, without the work for gradients no
    /// one asked for: a training step needs the parameters' gradients, not
    /// the data matrix's (`∂L/∂X`, a third of a dense layer's backward products).
    public func gradients(from output: NodeID, withRespectTo nodes: [NodeID], seed: Tensor? = nil) -> [Tensor] {
        if let scalarValues, let program = graph.scalarProgram, seed?.shape.isEmpty ?? true {
            let grads = program.backward(scalarValues, from: output.index, seed: seed?.scalar ?? 1).gradients
            return nodes.map { Tensor(grads[$0.index]) }
        }
        var needed = [Bool](repeating: false, count: graph.nodes.count)
        for id in nodes { needed[id.index] = true }
        for node in graph.nodes where !needed[node.id.index] {
            if node.inputs.contains(where: { needed[$0.index] }) { needed[node.id.index] = true }
        }
        let grads = Backward.pass(self, output: output, seed: seed ?? .ones(graph[output].shape), needed: needed).grads
        return nodes.map { grads[$0.index] ?? .zeros(graph[$0].shape) }
    }
}
