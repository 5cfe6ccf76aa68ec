/// The values of every node after a forward pass.
public struct Forward: Sendable {
    /// The graph that was evaluated.
    public let graph: Graph
    /// Every node's value, indexed like `graph.nodes`.
    public var values: [Tensor] {
        tensors.value
    }
    /// What an operation's forward pass saved for its backward pass, by node
    /// index (`TensorRule.saving`: the softmax of a softmax cross-entropy).
    /// Empty for most graphs.
    let saved: [Int: Tensor]

    /// For a graph on the scalar path (`ScalarProgram`), the values as
    /// numbers; the tensors are then made on first use. (Two fields, not an
    /// enum: a two-payload enum keeps its case in the pointer's spare bits,
    /// and valgrind no longer sees the pointer.)
    private let numbers: [Double]?
    private let tensors: MadeOnce<[Tensor]>

    init(graph: Graph, values: [Tensor], saved: [Int: Tensor] = [:]) {
        self.graph = graph
        self.numbers = nil
        self.tensors = MadeOnce(made: values)
        self.saved = saved
    }

    /// A scalar-path pass: every node's value as a number.
    init(graph: Graph, scalarValues: [Double]) {
        self.graph = graph
        self.numbers = scalarValues
        self.tensors = MadeOnce { scalarValues.map { Tensor($0) } }
        self.saved = [:]
    }

    /// For a graph on the scalar path, every node's value as a number
    /// (`values[i].scalar`, without making the tensors); otherwise `nil`.
    package var scalarValues: [Double]? {
        numbers
    }

    /// The value of a node.
    public func value(of id: NodeID) -> Tensor {
        if let numbers { return Tensor(numbers[id.index]) }
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
