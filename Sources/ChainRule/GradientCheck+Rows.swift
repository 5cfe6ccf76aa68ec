/// Row-by-row recomputation for `GradientCheck.numericalGradient`.
///
/// A batch network computes each row of its matrices from the same row of
/// the matrices before it: `x @ W1` row r from `x` row r, `+ b1`, `relu`,
/// the softmax loss's term for row r. When a perturbed parameter changes
/// only some cells of a node (a product reading it recomputes a column: the
/// rows whose bits actually changed), only those cells are recomputed
/// downstream — element by element through elementwise operations (one
/// column stays one column), whole rows through a product — and compared
/// with the unperturbed value to find what changed next (`relu` keeps a
/// negative entry at 0). Each cell is computed by the same operation on the
/// same numbers, so the result has the bits of a whole forward pass
/// (`FastPathEquivalenceTests`). Anything else (other operations, a changed
/// operand broadcast across rows) is recomputed whole.
struct RowRecomputation {
    /// How a downstream node is recomputed.
    enum Kind {
        /// Element by element, output `[m, n]`.
        case unary(UnaryRule)
        case binary(BinaryRule)
        /// `A @ B`, output `[m, n]`: rows of `A` give the same rows.
        case product
        /// `softmax_cross_entropy(z, classes)`, `z` `[m, c]`: one term per row, summed in order.
        case softmaxLoss(labels: [Int], terms: [Double])
        /// Recomputed whole.
        case whole
    }

    /// What changed in a node during one evaluation: nothing, some rows
    /// (in one column only, or in all), or everything.
    enum Change { case none, cells(rows: [Int], column: Int?), all }

    let kinds: [Kind]
    /// Per downstream node and operand: row r of the operand feeds row r of the output only.
    let aligned: [[Bool]]
    /// Per downstream node and operand: the operand has the output's shape.
    let sameShape: [[Bool]]
    /// Each downstream node's unperturbed value.
    let base: [Tensor]

    init(downstream: [Node], rules: [Rule], values: [Tensor]) {
        base = downstream.map { values[$0.id.index] }
        var kinds: [Kind] = [], aligned: [[Bool]] = [], sameShape: [[Bool]] = []
        for (node, rule) in zip(downstream, rules) {
            let kind = Self.kind(of: node, rule: rule, values)
            kinds.append(kind)
            let operands = node.inputs.map { values[$0.index] }
            aligned.append(operands.indices.map { Self.aligned(kind, operand: $0, operands[$0], output: node.shape) })
            sameShape.append(operands.map { $0.shape == node.shape })
        }
        self.kinds = kinds
        self.aligned = aligned
        self.sameShape = sameShape
    }

    private static func kind(of node: Node, rule: Rule, _ values: [Tensor]) -> Kind {
        guard let op = node.operation else { return .whole }
        if case .softmaxCrossEntropy = op, node.inputs.count == 2 {
            let z = values[node.inputs[0].index]
            guard z.rank == 2, let labels = try? SoftmaxAndLoss.classIndices(values[node.inputs[1].index], like: z) else { return .whole }
            let c = z.lastAxisLength
            let terms = z.scalars.withUnsafeBufferPointer { z in
                labels.enumerated().map { r, label in SoftmaxAndLoss.lossTerm(z, row: r * c..<(r + 1) * c, label: label) }
            }
            return .softmaxLoss(labels: labels, terms: terms)
        }
        guard node.shape.count == 2 else { return .whole }
        if case .matmul = op { return node.inputs.count == 2 ? .product : .whole }
        switch rule {
        case .unary(let forward, let derivative): return .unary(UnaryRule(forward: forward, derivative: derivative))
        case .binary(let forward, let da, let db): return .binary(BinaryRule(forward: forward, da: da, db: db))
        case .tensor: return .whole
        }
    }

    private static func aligned(_ kind: Kind, operand k: Int, _ value: Tensor, output: [Int]) -> Bool {
        switch kind {
        case .product, .softmaxLoss: return k == 0 && value.rank == 2
        case .unary, .binary: return value.rank == 2 && value.shape[0] == output[0]
        case .whole: return false
        }
    }

    /// The cells of downstream node `p` that its operands' changes reach:
    /// rows (sorted; empty: none) and one column (an elementwise node whose
    /// changed operands, all of its shape, changed that column only) or all;
    /// nil when the node must be recomputed whole.
    func reach(_ p: Int, _ node: Node, _ change: [Change]) -> (rows: [Int], column: Int?)? {
        var reached: [Int]? = nil, column: Int? = nil, oneColumn = true, more = false
        for (k, input) in node.inputs.enumerated() {
            switch change[input.index] {
            case .none: continue
            case .all: return nil
            case .cells(let rows, let c):
                if rows.isEmpty { continue }
                guard aligned[p][k] else { return nil }
                if c == nil || !sameShape[p][k] || (reached != nil && column != c) { oneColumn = false }
                column = c
                if reached == nil { reached = rows } else { reached! += rows; more = true }
            }
        }
        guard let reached else { return ([], nil) }
        switch kinds[p] {
        case .whole: return nil
        case .unary, .binary: break
        case .product, .softmaxLoss: oneColumn = false
        }
        return (more ? Set(reached).sorted() : reached, oneColumn ? column : nil)
    }
}

extension RowRecomputation {
    /// Recomputes the cells (`rows` × `column`, or whole rows) of downstream
    /// node `p` into `values`; returns the rows whose bits differ from the unperturbed value.
    func recompute(_ p: Int, _ node: Node, rows: [Int], column: Int?, rule: Rule,
                   _ values: inout [Tensor]) throws(OperationFailure) -> [Int] {
        let n = node.shape[1]
        let columns = column.map { $0..<$0 + 1 } ?? 0..<n
        switch kinds[p] {
        case .unary(let rule):
            let x = values[node.inputs[0].index]
            return write(p, node, rows: rows, columns: columns, &values) { _, r, c in rule.forward(x.scalars[r * n + c]) }
        case .binary(let rule):
            let a = values[node.inputs[0].index], b = values[node.inputs[1].index]
            return write(p, node, rows: rows, columns: columns, &values) { _, r, c in
                rule.forward(a.scalars[Self.broadcastIndex(a.shape, r, c)], b.scalars[Self.broadcastIndex(b.shape, r, c)])
            }
        default:
            var operands: [Tensor] = []
            for (k, input) in node.inputs.enumerated() {
                operands.append(aligned[p][k] ? Self.gather(values[input.index], rows: rows) : values[input.index])
            }
            let part = try node.operation!.forward(operands, shape: [rows.count, n], rule: rule)
            return write(p, node, rows: rows, columns: columns, &values) { q, _, c in part.scalars[q * n + c] }
        }
    }

    /// Writes `value(q, r, c)` into the cells of node `p` (row `r`, the `q`th of
    /// `rows`; column `c`); returns the rows where a bit changed.
    private func write(_ p: Int, _ node: Node, rows: [Int], columns: Range<Int>, _ values: inout [Tensor],
                       _ value: (Int, Int, Int) -> Double) -> [Int] {
        let n = node.shape[1]
        var differing: [Int] = []
        base[p].scalars.withUnsafeBufferPointer { old in
            values[node.id.index].scalars.withUnsafeMutableBufferPointer { out in
                for (q, r) in rows.enumerated() {
                    var same = true
                    for c in columns {
                        let v = value(q, r, c)
                        if v.bitPattern != old[r * n + c].bitPattern { same = false }
                        out[r * n + c] = v
                    }
                    if !same { differing.append(r) }
                }
            }
        }
        return differing
    }

    /// The flat index of output cell (r, c) in an operand of `shape`, broadcast NumPy-style.
    static func broadcastIndex(_ shape: [Int], _ r: Int, _ c: Int) -> Int {
        switch shape.count {
        case 0: return 0
        case 1: return shape[0] == 1 ? 0 : c
        default: return (shape[0] == 1 ? 0 : r) * shape[1] + (shape[1] == 1 ? 0 : c)
        }
    }

    /// The loss of a `.softmaxLoss` node whose input rows `rows` changed:
    /// those rows' terms again, every term summed in order, as the whole operation sums them.
    func loss(labels: [Int], terms: [Double], rows: [Int], z: Tensor) -> Tensor {
        var terms = terms
        let c = z.lastAxisLength
        z.scalars.withUnsafeBufferPointer { z in
            for r in rows { terms[r] = SoftmaxAndLoss.lossTerm(z, row: r * c..<(r + 1) * c, label: labels[r]) }
        }
        var total = 0.0
        for t in terms { total += t }
        return Tensor(-total / Double(z.rows))
    }

    /// Puts back the unperturbed value of downstream node `p` where it changed.
    func restore(_ p: Int, _ node: Node, _ change: Change, _ values: inout [Tensor]) {
        switch change {
        case .none: return
        case .all: values[node.id.index] = base[p]
        case .cells(let rows, let column):
            let n = base[p].lastAxisLength
            let columns = column.map { $0..<$0 + 1 } ?? 0..<n
            base[p].scalars.withUnsafeBufferPointer { old in
                values[node.id.index].scalars.withUnsafeMutableBufferPointer { out in
                    for r in rows { for c in columns { out[r * n + c] = old[r * n + c] } }
                }
            }
        }
    }

    /// Rows `rows` of the `[m, w]` tensor `t`, as a `[rows.count, w]` tensor.
    static func gather(_ t: Tensor, rows: [Int]) -> Tensor {
        let w = t.lastAxisLength
        var out: [Double] = []
        out.reserveCapacity(rows.count * w)
        t.scalars.withUnsafeBufferPointer { s in
            for r in rows { out.append(contentsOf: s[r * w..<(r + 1) * w]) }
        }
        return Tensor(shape: [rows.count, w], scalars: out)
    }
}
