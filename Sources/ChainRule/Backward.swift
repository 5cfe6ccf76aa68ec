/// The gradient that flows along one edge during the backward pass:
/// `local derivative × upstream = contribution` (the chain rule, once).
public struct EdgeRecord: Hashable, Sendable {
    /// The operand (the edge's tail, where the gradient arrives).
    public let from: NodeID
    /// The operation node (the edge's head, where the gradient comes from).
    public let to: NodeID
    /// The operand position of `from` in `to`.
    public let operand: Int
    /// `∂L/∂to`, the gradient arriving from downstream.
    public let upstream: Tensor
    /// `∂to/∂from`, elementwise or as a rule.
    public let local: LocalDerivative
    /// The share of `∂L/∂from` that flows along this edge, in `from`'s shape.
    public let contribution: Tensor
    /// Set when `from` was broadcast: the contribution was summed over these axes.
    public let reduction: BroadcastReduction?
}

/// A node whose value fans out: its gradient is the sum of the contributions
/// of all its uses ("the gradients add").
public struct GradientSum: Hashable, Sendable {
    public let node: NodeID
    /// Indices into `Backward.edges` of the contributions, in consumer order.
    public let edges: [Int]
    /// Their sum, `∂L/∂node`.
    public let total: Tensor
}

/// The result of a backward pass: every gradient and the record of how it
/// was assembled, edge by edge.
public struct Backward: Sendable {
    /// The forward pass this came from.
    public let forward: Forward
    /// The node the pass started from.
    public let output: NodeID
    /// `∂(sum of output)/∂node` for every node; `nil` for a node that is
    /// used only as a target (no gradient flows into targets).
    public let gradients: [Tensor?]
    /// One record per edge that carries a gradient, in the order the
    /// backward pass visits them (output first).
    public let edges: [EdgeRecord]
    /// Nodes with more than one contribution, and their sums.
    public let sums: [GradientSum]

    init(forward: Forward, output: NodeID, seed: Tensor) {
        let graph = forward.graph
        let n = graph.nodes.count
        var grads = [Tensor?](repeating: nil, count: n)
        var edges: [EdgeRecord] = []
        var incoming = [[Int]](repeating: [], count: n)
        var usedAsTargetOnly = [Bool](repeating: false, count: n)
        var usedOtherwise = [Bool](repeating: false, count: n)
        for node in graph.nodes {
            let targets = node.operation?.targetOperands ?? []
            for (k, input) in node.inputs.enumerated() {
                if targets.contains(k) { usedAsTargetOnly[input.index] = true } else { usedOtherwise[input.index] = true }
            }
        }
        grads[output.index] = seed
        for index in stride(from: output.index, through: 0, by: -1) {
            let node = graph.nodes[index]
            guard let op = node.operation, let g = grads[index] else { continue }
            let x = node.inputs.map { forward.values[$0.index] }
            let shares = op.backward(x, forward.values[index], g)
            for (k, share) in shares.enumerated() {
                guard let share else { continue }
                let input = node.inputs[k]
                let (contribution, reduction) = Broadcasting.reduce(share.contribution, to: graph[input].shape)
                incoming[input.index].append(edges.count)
                edges.append(EdgeRecord(from: input, to: node.id, operand: k, upstream: g,
                                        local: share.local, contribution: contribution, reduction: reduction))
                if let existing = grads[input.index] {
                    grads[input.index] = Elementwise.add(existing, contribution)
                } else {
                    grads[input.index] = contribution
                }
            }
        }
        var sums: [GradientSum] = []
        for index in 0..<n {
            if grads[index] == nil && !(usedAsTargetOnly[index] && !usedOtherwise[index]) {
                grads[index] = .zeros(graph.nodes[index].shape)
            }
            // Contributions arrive output-first; list them in consumer order.
            let terms = incoming[index].sorted { edges[$0].to < edges[$1].to }
            if terms.count > 1, let total = grads[index] {
                sums.append(GradientSum(node: NodeID(index), edges: terms, total: total))
            }
        }
        self.forward = forward
        self.output = output
        self.gradients = grads
        self.edges = edges
        self.sums = sums
    }

    /// `∂L/∂node`, or `nil` for a node used only as a target.
    public func gradient(of id: NodeID) -> Tensor? { gradients[id.index] }

    /// The edge records whose gradient flows into `id` (one per use).
    public func edges(into id: NodeID) -> [EdgeRecord] { edges.filter { $0.from == id } }

    /// The edge records of the backward step at operation node `id` (one per operand).
    public func edges(outOf id: NodeID) -> [EdgeRecord] { edges.filter { $0.to == id } }
}
