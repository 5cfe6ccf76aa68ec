/// Numerical gradients by central differences, the independent check on
/// every backpropagated gradient.
public enum GradientCheck {
    /// The step `h` in `(f(x + h) − f(x − h)) / 2h`.
    public static let defaultStep = 1e-5

    /// Tolerances for calling a backprop gradient correct: an element passes
    /// when `|backprop − numerical| ≤ absolute + relative · |numerical|`.
    public struct Tolerance: Sendable {
        /// The error allowed whatever the size of the gradient.
        public var absolute: Double
        /// The error allowed per unit of `|numerical|`.
        public var relative: Double
        /// A tolerance of `absolute + relative · |numerical|`.
        public init(absolute: Double, relative: Double) { self.absolute = absolute; self.relative = relative }
        /// Suits central differences with `h = 1e-5` on smooth functions.
        public static let standard = Tolerance(absolute: 1e-6, relative: 1e-4)
    }

    /// `∂(sum of output)/∂leaf` estimated by central differences.
    ///
    /// One forward pass of the whole graph, then, for every element of the
    /// leaf, only the nodes downstream of the leaf are recomputed (twice);
    /// everything else keeps its value. A matrix product that reads the
    /// leaf directly recomputes only the row (leaf on the left) or column
    /// (on the right) that the element feeds — each element of a product is
    /// its own sum, so those are the bits a full product would give — and
    /// from there only the rows that changed are recomputed
    /// (`RowRecomputation`). The result equals a full forward pass per
    /// evaluation (`FastPathEquivalenceTests`).
    public static func numericalGradient(of output: NodeID, withRespectTo leaf: NodeID, in graph: Graph,
                                         step h: Double = defaultStep) throws(EvaluationError) -> Tensor {
        var values = try graph.forward().values
        let x = values[leaf.index]
        // The nodes whose value depends on the leaf, in order.
        var depends = [Bool](repeating: false, count: graph.nodes.count)
        depends[leaf.index] = true
        var downstream: [Node] = []
        for node in graph.nodes[(leaf.index + 1)...] where node.inputs.contains(where: { depends[$0.index] }) {
            depends[node.id.index] = true
            downstream.append(node)
        }
        // A product reading the leaf directly, on one side only: its unperturbed value.
        let product = downstream.first { node in
            guard case .matmul = node.operation, node.inputs.count == 2, node.inputs[0] != node.inputs[1],
                  node.inputs.contains(leaf),
                  !depends[node.inputs[node.inputs[0] == leaf ? 1 : 0].index] else { return false }
            return values[node.inputs[0].index].rank == 2 && values[node.inputs[1].index].rank == 2
        }
        // Each downstream node's rule, read once (a scalar graph keeps none: `Graph.rule(at:)`).
        let rules = downstream.map { graph.rule(at: $0.id.index)! }
        let rows = RowRecomputation(downstream: downstream, rules: rules, values: values)
        var change = [RowRecomputation.Change](repeating: .none, count: graph.nodes.count)

        func evaluate(element i: Int) throws(EvaluationError) -> Double {
            change[leaf.index] = .all
            for (p, node) in downstream.enumerated() {
                if let product, node.id == product.id {
                    change[node.id.index] = recomputeProduct(node, element: i, leftIsLeaf: node.inputs[0] == leaf,
                                                             base: rows.base[p], &values)
                    continue
                }
                change[node.id.index] = try recompute(node, p, rows, rule: rules[p], change, &values)
            }
            let result = values[output.index].sum
            for (p, node) in downstream.enumerated() {  // back to the unperturbed values
                rows.restore(p, node, change[node.id.index], &values)
                change[node.id.index] = .none
            }
            change[leaf.index] = .none
            return result
        }

        var out = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            values[leaf.index].scalars[i] = x.scalars[i] + h
            let fp = try evaluate(element: i)
            values[leaf.index].scalars[i] = x.scalars[i] - h
            let fm = try evaluate(element: i)
            values[leaf.index].scalars[i] = x.scalars[i]
            out[i] = (fp - fm) / (2 * h)
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// Downstream node `node` (position `p`) for the current perturbation:
    /// only the rows its operands changed, or whole; what changed in it.
    private static func recompute(_ node: Node, _ p: Int, _ rows: RowRecomputation, rule: Rule,
                                  _ change: [RowRecomputation.Change], _ values: inout [Tensor])
        throws(EvaluationError) -> RowRecomputation.Change {
        do {
            guard let reached = rows.reach(p, node, change) else {
                values[node.id.index] = try node.operation!.forward(node.inputs.map { values[$0.index] }, shape: node.shape, rule: rule)
                return .all
            }
            if reached.rows.isEmpty { return .none }
            if case .softmaxLoss(let labels, let terms) = rows.kinds[p] {
                values[node.id.index] = rows.loss(labels: labels, terms: terms, rows: reached.rows, z: values[node.inputs[0].index])
                return .all
            }
            let changed = try rows.recompute(p, node, rows: reached.rows, column: reached.column, rule: rule, &values)
            return .cells(rows: changed, column: reached.column)
        } catch {
            throw EvaluationError(node: node.id, message: error.message)
        }
    }

    /// `C = A · B` after element `i` of `A` (`leftIsLeaf`) or `B` changed:
    /// recomputes row `i / k` of `C`, or column `i % n`; returns what
    /// changed (in a column: the rows whose bits differ from `base`, the unperturbed `C`).
    private static func recomputeProduct(_ node: Node, element i: Int, leftIsLeaf: Bool, base: Tensor,
                                         _ values: inout [Tensor]) -> RowRecomputation.Change {
        let a = values[node.inputs[0].index], b = values[node.inputs[1].index]
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        if leftIsLeaf {
            let r = i / k
            let row = Array(a.scalars[r * k..<(r + 1) * k])
            let c = LinearAlgebra.product(row, aRow: k, aCol: 1, b.scalars, bRow: n, bCol: 1, m: 1, k: k, n: n)
            values[node.id.index].scalars.withUnsafeMutableBufferPointer { out in
                for j in 0..<n { out[r * n + j] = c[j] }
            }
            return .cells(rows: [r], column: nil)
        }
        let j = i % n
        let column = (0..<k).map { b.scalars[$0 * n + j] }
        let c = LinearAlgebra.product(a.scalars, aRow: k, aCol: 1, column, bRow: 1, bCol: 1, m: m, k: k, n: 1)
        var changed: [Int] = []
        values[node.id.index].scalars.withUnsafeMutableBufferPointer { out in
            for r in 0..<m where c[r].bitPattern != base.scalars[r * n + j].bitPattern {
                out[r * n + j] = c[r]
                changed.append(r)
            }
        }
        return .cells(rows: changed, column: j)
    }

    /// The comparison of one leaf's backprop and numerical gradients.
    public struct Comparison: Sendable {
        /// The leaf whose gradient was checked.
        public let leaf: NodeID
        /// Its gradient from the backward pass.
        public let backprop: Tensor
        /// Its gradient estimated by central differences.
        public let numerical: Tensor
        /// `max |backprop − numerical|`.
        public let maxAbsoluteError: Double
        /// `max |backprop − numerical| / max(|backprop|, |numerical|)` (0 when both are 0).
        public let maxRelativeError: Double
        /// Whether every element is within the tolerance.
        public let passed: Bool
    }

    /// Compares backprop with central differences for every leaf of the graph.
    public static func compare(output: NodeID, in graph: Graph, step: Double = defaultStep,
                               tolerance: Tolerance = .standard) throws(EvaluationError) -> [Comparison] {
        let pass = try graph.forward().backward(from: output)
        var result: [Comparison] = []
        for leaf in graph.leaves {
            guard let analytic = pass.gradient(of: leaf) else { continue } // a target: no gradient
            let numeric = try numericalGradient(of: output, withRespectTo: leaf, in: graph, step: step)
            result.append(compare(leaf: leaf, backprop: analytic, numerical: numeric, tolerance: tolerance))
        }
        return result
    }

    /// One leaf's gradient from the backward pass against its numerical
    /// estimate, element by element, within `tolerance` (equal infinities pass).
    public static func compare(leaf: NodeID, backprop analytic: Tensor, numerical numeric: Tensor,
                               tolerance: Tolerance = .standard) -> Comparison {
        var maxAbs = 0.0, maxRel = 0.0, ok = analytic.scalars.count == numeric.scalars.count
        for (a, n) in zip(analytic.scalars, numeric.scalars) {
            let d = abs(a - n)
            if a.isNaN != n.isNaN || !(d <= tolerance.absolute + tolerance.relative * abs(n)) {
                if !(a == n) { ok = false }  // equal infinities pass
            }
            if d.isFinite {
                maxAbs = max(maxAbs, d)
                let scale = max(abs(a), abs(n))
                if scale > 0 { maxRel = max(maxRel, d / scale) }
            }
        }
        return Comparison(leaf: leaf, backprop: analytic, numerical: numeric,
                          maxAbsoluteError: maxAbs, maxRelativeError: maxRel, passed: ok)
    }
}
