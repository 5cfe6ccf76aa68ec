import Synchronization

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
    /// The value that is used more than once.
    public let node: NodeID
    /// Indices into `Backward.edges` of the contributions, in consumer order.
    public let edges: [Int]
    /// Their sum, `∂L/∂node`.
    public let total: Tensor
}

/// The result of a backward pass: every gradient and the record of how it
/// was assembled, edge by edge.
///
/// The pass itself computes only the gradients (`local ⊙ upstream`, summed
/// over uses). The edge records — `upstream`, `local`, `contribution` for
/// every edge, which figures and lessons show — are built from the stored
/// values and gradients the first time `edges`, `sums` or `edges(into:)` is
/// asked for, by the same rules (`Operation.backward`), so they hold the
/// same numbers the pass used.
public struct Backward: Sendable {
    /// The forward pass this came from.
    public let forward: Forward
    /// The node the pass started from.
    public let output: NodeID
    /// `∂(sum of output)/∂node` for every node; `nil` for a node that is
    /// used only as a target (no gradient flows into targets) and for a data leaf.
    public var gradients: [Tensor?] {
        tensors.value
    }
    /// One record per edge that carries a gradient, in the order the
    /// backward pass visits them (output first).
    public var edges: [EdgeRecord] { log.records(of: self).edges }
    /// Nodes with more than one contribution, and their sums.
    public var sums: [GradientSum] { log.records(of: self).sums }

    /// Which nodes the pass visited with a gradient, and the edge records once built.
    private let log: EdgeLog

    /// The gradients as tensors, or — on the scalar path (`ScalarProgram`)
    /// — as numbers, with the tensors made on first use.
    /// (Two fields, not an enum: see `Forward`.)
    private let numbers: [Double]?
    private let tensors: MadeOnce<[Tensor?]>

    /// For a graph on the scalar path, every node's gradient as a number
    /// (`gradients[i]!.scalar`, without making the tensors); otherwise `nil`.
    package var scalarGradients: [Double]? {
        numbers
    }

    init(forward: Forward, output: NodeID, seed: Tensor) {
        let graph = forward.graph
        if let values = forward.scalarValues, let program = graph.scalarProgram, seed.shape.isEmpty {
            // A scalar graph: numbers in flat arrays. No node is a target or
            // a data leaf, so every gradient is a number (0 where none arrives).
            let pass = program.backward(values, from: output.index, seed: seed.scalar)
            let gradients = pass.gradients
            self.forward = forward
            self.output = output
            self.numbers = gradients
            self.tensors = MadeOnce { gradients.map { Tensor($0) } }
            self.log = EdgeLog(reached: pass.reached)
            return
        }
        let n = graph.nodes.count
        // Data leaves take no gradient: the products that would compute one are skipped.
        let needed = graph.nodes.contains(where: \.isData) ? graph.nodes.map { !$0.isData } : nil
        let pass = Backward.pass(forward, output: output, seed: seed, needed: needed)
        var grads = pass.grads
        // A node no gradient reached gets zeros, unless it is only ever a target.
        var usedAsTarget = [Bool](repeating: false, count: n)
        var usedOtherwise = [Bool](repeating: false, count: n)
        for index in 0..<n {
            let target = graph.targets[index]
            for (k, input) in graph.nodes[index].inputs.enumerated() {
                if k == target { usedAsTarget[input.index] = true } else { usedOtherwise[input.index] = true }
            }
        }
        for index in 0..<n where grads[index] == nil && !(usedAsTarget[index] && !usedOtherwise[index]) {
            grads[index] = .zeros(graph.nodes[index].shape)
        }
        // Data leaves take no gradient.
        for index in 0..<n where graph.nodes[index].isData { grads[index] = nil }
        self.forward = forward
        self.output = output
        self.numbers = nil
        self.tensors = MadeOnce(made: grads)
        self.log = EdgeLog(reached: pass.reached)
    }

    /// The backward pass from `output`: every node's gradient when `needed`
    /// is `nil`; otherwise only the gradients on the way to the nodes marked
    /// `true` in `needed` — the other nodes' backward steps and the
    /// contributions into operands that lead to no marked node (`∂L/∂X` of a
    /// data matrix, say) are skipped. The gradients it does compute are the
    /// same numbers either way.
    static func pass(_ forward: Forward, output: NodeID, seed: Tensor,
                     needed: [Bool]?) -> (grads: [Tensor?], reached: [Bool]) {
        let graph = forward.graph
        let values = forward.values
        let n = graph.nodes.count
        var grads = [Tensor?](repeating: nil, count: n)
        grads[output.index] = seed
        var reached = [Bool](repeating: false, count: n)
        @inline(__always) func wanted(_ id: NodeID) -> Bool { needed?[id.index] ?? true }
        for index in stride(from: output.index, through: 0, by: -1) {
            // Fields read in place, not through a copy of each `Node`.
            guard case .operation(let op) = graph.nodes[index].kind, let g = grads[index], needed?[index] ?? true,
                  let rule = graph.rule(at: index) else { continue }
            reached[index] = true
            let inputs = graph.nodes[index].inputs
            // One-element operands (scalar scripts) take the kernels' fast path.
            if Elementwise.scalarBackward(rule, inputs, node: index, values, g, wanted: wanted, &grads) { continue }
            let contributions: [Tensor?]
            if let unary = rule.unary {
                contributions = [Elementwise.backward(op, values[inputs[0].index], values[index], g, unary)]
            } else if let binary = rule.binary {
                let (ca, cb) = Elementwise.backward(op, values[inputs[0].index], values[inputs[1].index], g, binary)
                contributions = [ca, cb]
            } else if case .matmul = op, needed != nil {
                // Only the products whose operand needs them (`G · Bᵀ`, `Aᵀ · G`).
                let (da, db) = LinearAlgebra.matmulGradients(values[inputs[0].index], values[inputs[1].index], g,
                                                             left: wanted(inputs[0]), right: wanted(inputs[1]))
                contributions = [da, db]
            } else {
                contributions = op.backward(inputs.map { values[$0.index] }, values[index], g, rule: rule,
                                            saved: forward.saved[index]).map { $0?.contribution }
            }
            for (k, share) in contributions.enumerated() {
                guard let share, wanted(inputs[k]) else { continue }
                let input = inputs[k]
                let contribution = Broadcasting.sum(share, to: graph.nodes[input.index].shape)
                if grads[input.index] != nil {
                    Backward.add(contribution, into: &grads[input.index]!)
                } else {
                    grads[input.index] = contribution
                }
            }
        }
        return (grads, reached)
    }

    /// `total += contribution`, elementwise, in place.
    private static func add(_ contribution: Tensor, into total: inout Tensor) {
        contribution.scalars.withUnsafeBufferPointer { c in
            total.scalars.withUnsafeMutableBufferPointer { t in
                for i in t.indices { t[i] += c[i] }
            }
        }
    }

    /// `∂L/∂node`, or `nil` for a node used only as a target.
    public func gradient(of id: NodeID) -> Tensor? {
        if let numbers { return Tensor(numbers[id.index]) }
        return gradients[id.index]
    }

    /// The edge records whose gradient flows into `id` (one per use).
    public func edges(into id: NodeID) -> [EdgeRecord] {
        let records = log.records(of: self)
        return records.into[id.index].map { records.edges[$0] }
    }

    /// The edge records of the backward step at operation node `id` (one per operand).
    public func edges(outOf id: NodeID) -> [EdgeRecord] {
        let records = log.records(of: self)
        return Array(records.edges[records.outOf[id.index]])
    }

    /// The edge records, as the pass visits them, with indexes by node.
    fileprivate struct Records: Sendable {
        var edges: [EdgeRecord] = []
        var sums: [GradientSum] = []
        /// For each node, the indices of the edges into it, in visit order.
        var into: [[Int]] = []
        /// For each node, the range of its own backward step's edges.
        var outOf: [Range<Int>] = []
    }

    /// The records of every edge the pass visited: `local`, `upstream` and
    /// `contribution` from `Operation.backward`, exactly as the pass computed them.
    fileprivate func buildRecords(reached: [Bool]) -> Records {
        let graph = forward.graph
        let n = graph.nodes.count
        var r = Records()
        r.into = [[Int]](repeating: [], count: n)
        r.outOf = [Range<Int>](repeating: 0..<0, count: n)
        for index in stride(from: output.index, through: 0, by: -1) where reached[index] {
            let node = graph.nodes[index]
            guard let op = node.operation, let g = gradients[index] else { continue }
            let first = r.edges.count
            let shares = op.backward(node.inputs.map { forward.values[$0.index] }, forward.values[index], g,
                                     rule: graph.rule(at: index)!, saved: forward.saved[index])
            for (k, share) in shares.enumerated() {
                let input = node.inputs[k]
                guard let share, !graph[input].isData else { continue }
                let (contribution, reduction) = Broadcasting.reduce(share.contribution, to: graph[input].shape)
                r.into[input.index].append(r.edges.count)
                r.edges.append(EdgeRecord(from: input, to: node.id, operand: k, upstream: g,
                                          local: share.local, contribution: contribution, reduction: reduction))
            }
            r.outOf[index] = first..<r.edges.count
        }
        for index in 0..<n where r.into[index].count > 1 {
            // Contributions arrive output-first; list them in consumer order.
            let terms = r.into[index].sorted { r.edges[$0].to < r.edges[$1].to }
            if let total = gradients[index] {
                r.sums.append(GradientSum(node: NodeID(index), edges: terms, total: total))
            }
        }
        return r
    }
}

/// The lazily built edge records of one backward pass (shared by copies of it).
private final class EdgeLog: Sendable {
    let reached: [Bool]
    private let cache = Mutex<Backward.Records?>(nil)

    init(reached: [Bool]) { self.reached = reached }

    func records(of pass: Backward) -> Backward.Records {
        cache.withLock { cached in
            if let cached { return cached }
            let built = pass.buildRecords(reached: reached)
            cached = built
            return built
        }
    }
}
