import RealModule

/// Elementwise arithmetic on tensors of the same shape.
enum Elementwise {
    static func mul(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = a.scalars
        b.scalars.withUnsafeBufferPointer { bp in
            for i in out.indices { out[i] *= bp[i] }
        }
        return Tensor(shape: a.shape, scalars: out)
    }

    static func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = a.scalars
        b.scalars.withUnsafeBufferPointer { bp in
            for i in out.indices { out[i] += bp[i] }
        }
        return Tensor(shape: a.shape, scalars: out)
    }
}

/// The elementwise rules of `Operations/Definitions+*.swift` applied to whole
/// tensors in tight loops. Each common operation is dispatched with the
/// operation spelled out (`OperationDefinition.expRule.unary!`), so the compiler
/// inlines the rule's closure into the loop; the rule table stays the
/// definition, and these loops compute exactly what `Operation.forward` /
/// `Operation.backward` define (`local ⊙ upstream`). `relu`, whose closure
/// the compiler did not inline (a call per element), is written out here;
/// `ElementwiseFastPathTests` proves every loop equal to the rule table.
extension Elementwise {
    /// `y = f(x)` for a one-operand elementwise operation.
    static func forward(_ op: Operation, _ x: Tensor) -> Tensor { forward(op, x, op.unaryRule!) }

    /// `y = f(x)` with the operation's rule given (a graph keeps it per node).
    static func forward(_ op: Operation, _ x: Tensor, _ rule: UnaryRule) -> Tensor {
        switch op {
        case .relu: return map(x) { $0 > 0 ? $0 : 0 }   // = OperationDefinition.reluRule.unary!.forward (tested)
        case .identity: return map(x, OperationDefinition.identityRule.unary!.forward)
        case .exp: return map(x, OperationDefinition.expRule.unary!.forward)
        case .square: return map(x, OperationDefinition.squareRule.unary!.forward)
        default: return map(x, rule.forward)
        }
    }

    /// `y = a ∘ b` with broadcasting, for a two-operand elementwise operation.
    static func forward(_ op: Operation, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        forward(op, a, b, shape: shape, op.binaryRule!)
    }

    /// `y = a ∘ b` with the operation's rule given.
    static func forward(_ op: Operation, _ a: Tensor, _ b: Tensor, shape: [Int], _ rule: BinaryRule) -> Tensor {
        switch op {
        // The rules' forward closures, read from the static constants beside the
        // definitions so the compiler inlines them into the loop (through the class
        // definition it was a closure call per element).
        case .add: return combine(a, b, shape, OperationDefinition.addRule.binary!.forward)
        case .sub: return combine(a, b, shape, OperationDefinition.subRule.binary!.forward)
        case .mul: return combine(a, b, shape, OperationDefinition.mulRule.binary!.forward)
        default: return combine(a, b, shape, rule.forward)
        }
    }

    /// The contribution `∂y/∂x ⊙ g` of a one-operand elementwise operation.
    static func backward(_ op: Operation, _ x: Tensor, _ y: Tensor, _ g: Tensor) -> Tensor {
        backward(op, x, y, g, op.unaryRule!)
    }

    /// `∂y/∂x ⊙ g` with the operation's rule given.
    static func backward(_ op: Operation, _ x: Tensor, _ y: Tensor, _ g: Tensor, _ rule: UnaryRule) -> Tensor {
        switch op {
        case .relu: return localTimes(x, y, g) { x, _ in x > 0 ? 1 : 0 }   // = OperationDefinition.reluRule.unary!.derivative (tested)
        case .identity: return localTimes(x, y, g, OperationDefinition.identityRule.unary!.derivative)
        case .exp: return localTimes(x, y, g, OperationDefinition.expRule.unary!.derivative)
        default: return localTimes(x, y, g, rule.derivative)
        }
    }

    /// The contributions `∂y/∂a ⊙ g`, `∂y/∂b ⊙ g` of a two-operand elementwise
    /// operation, in the output's (broadcast) shape.
    static func backward(_ op: Operation, _ a: Tensor, _ b: Tensor, _ g: Tensor) -> (Tensor, Tensor) {
        backward(op, a, b, g, op.binaryRule!)
    }

    /// `∂y/∂a ⊙ g`, `∂y/∂b ⊙ g` with the operation's rule given.
    static func backward(_ op: Operation, _ a: Tensor, _ b: Tensor, _ g: Tensor, _ rule: BinaryRule) -> (Tensor, Tensor) {
        switch op {
        // + passes the gradient through unchanged: 1 · g is g, bit for bit, so
        // both contributions are `g` itself, not a copy (= localTimes with the rule's da = db = 1; tested).
        case .add: return (g, g)
        case .sub: let r = OperationDefinition.subRule.binary!; return (localTimes(a, b, g, r.da), localTimes(a, b, g, r.db))
        case .mul: let r = OperationDefinition.mulRule.binary!; return (localTimes(a, b, g, r.da), localTimes(a, b, g, r.db))
        default: return (localTimes(a, b, g, rule.da), localTimes(a, b, g, rule.db))
        }
    }

    /// The value of an elementwise operation whose operands have one
    /// element each (scalar scripts), or `nil` when this fast path does not
    /// apply: the rule `Operation.forward` applies, without the operand array.
    @inline(__always)
    static func scalarForward(_ rule: Rule, _ inputs: [NodeID], shape: [Int], _ values: [Tensor]) -> Tensor? {
        if inputs.count == 1, let rule = rule.unary {
            let x = values[inputs[0].index]
            guard x.count == 1 else { return nil }
            return Tensor(shape: x.shape, scalars: [rule.forward(x.scalars[0])])
        }
        if inputs.count == 2, let rule = rule.binary {
            let a = values[inputs[0].index], b = values[inputs[1].index]
            guard a.count == 1 && b.count == 1 && a.shape == b.shape else { return nil }
            return Tensor(shape: shape, scalars: [rule.forward(a.scalars[0], b.scalars[0])])
        }
        return nil
    }

    /// The backward step of node `index`, an elementwise operation on
    /// one-element operands of the upstream gradient's shape: adds `local · g`
    /// into each wanted operand's gradient and returns `true`; `false` when
    /// this fast path does not apply. Same numbers as `Operation.backward`
    /// (`local ⊙ g`), without building the local-derivative tensors.
    @inline(__always)
    static func scalarBackward(_ rule: Rule, _ inputs: [NodeID], node index: Int, _ values: [Tensor], _ g: Tensor,
                               wanted: (NodeID) -> Bool, _ grads: inout [Tensor?]) -> Bool {
        if let rule = rule.unary {
            let x = values[inputs[0].index]
            guard x.count == 1 && g.count == 1 && x.shape == g.shape else { return false }
            let local = rule.derivative(x.scalars[0], values[index].scalars[0])
            accumulate(local * g.scalars[0], into: inputs[0].index, shape: x.shape, &grads)
            return true
        }
        if let rule = rule.binary {
            let a = values[inputs[0].index], b = values[inputs[1].index]
            guard a.count == 1 && b.count == 1 && g.count == 1 && a.shape == g.shape && b.shape == g.shape else { return false }
            let av = a.scalars[0], bv = b.scalars[0], gv = g.scalars[0]
            if wanted(inputs[0]) { accumulate(rule.da(av, bv) * gv, into: inputs[0].index, shape: a.shape, &grads) }
            if wanted(inputs[1]) { accumulate(rule.db(av, bv) * gv, into: inputs[1].index, shape: b.shape, &grads) }
            return true
        }
        return false
    }

    /// `grads[index] += contribution` for a one-element contribution.
    @inline(__always)
    private static func accumulate(_ contribution: Double, into index: Int, shape: [Int], _ grads: inout [Tensor?]) {
        if grads[index] != nil {
            grads[index]!.scalars[0] += contribution
        } else {
            grads[index] = Tensor(shape: shape, scalars: [contribution])
        }
    }

    @inline(__always)
    private static func map(_ x: Tensor, _ f: (Double) -> Double) -> Tensor {
        let out = [Double](unsafeUninitializedCapacity: x.count) { o, count in
            x.scalars.withUnsafeBufferPointer { xp in
                for i in 0..<xp.count { o[i] = f(xp[i]) }
            }
            count = x.count
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    @inline(__always)
    private static func localTimes(_ x: Tensor, _ y: Tensor, _ g: Tensor, _ d: (Double, Double) -> Double) -> Tensor {
        g.scalars.withUnsafeBufferPointer { gp in
            Tensor(shape: g.shape, scalars: broadcastLoop(x, y, g.shape) { xv, yv, i in d(xv, yv) * gp[i] })
        }
    }

    @inline(__always)
    private static func combine(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ f: (Double, Double) -> Double) -> Tensor {
        Tensor(shape: shape, scalars: broadcastLoop(a, b, shape) { av, bv, _ in f(av, bv) })
    }

    /// `body(a[i'], b[i''], i)` for every element `i` of `shape`, where `i'`
    /// and `i''` are the elements broadcasting reads (`Broadcasting.indexMap`),
    /// computed row by row instead of stored.
    @inline(__always)
    private static func broadcastLoop(_ a: Tensor, _ b: Tensor, _ shape: [Int],
                                      _ body: (Double, Double, Int) -> Double) -> [Double] {
        let rows = shape.count == 2 ? shape[0] : 1
        let cols = shape.count >= 1 ? shape[shape.count - 1] : 1
        func strides(_ s: [Int]) -> (row: Int, col: Int) {
            let sr = s.count == 2 ? s[0] : 1, sc = s.count >= 1 ? s[s.count - 1] : 1
            return (sr == 1 ? 0 : sc, sc == 1 ? 0 : 1)
        }
        let (ar, ac) = strides(a.shape), (br, bc) = strides(b.shape)
        return [Double](unsafeUninitializedCapacity: rows * cols) { o, count in
            a.scalars.withUnsafeBufferPointer { ap in
                b.scalars.withUnsafeBufferPointer { bp in
                    if ac == 1 && bc == 1 && ar == cols && br == cols {
                        for i in 0..<rows * cols { o[i] = body(ap[i], bp[i], i) }
                    } else if ac == 1 && bc == 1 {
                        // Rows of both operands are contiguous (a bias row added
                        // to every row of a matrix): unit-stride inner loop.
                        for r in 0..<rows {
                            let oRow = r * cols
                            let orow = o.baseAddress! + oRow, arow = ap.baseAddress! + r * ar, brow = bp.baseAddress! + r * br
                            for c in 0..<cols { orow[c] = body(arow[c], brow[c], oRow &+ c) }
                        }
                    } else {
                        for r in 0..<rows {
                            for c in 0..<cols {
                                o[r * cols + c] = body(ap[r * ar + c * ac], bp[r * br + c * bc], r * cols + c)
                            }
                        }
                    }
                }
            }
            count = rows * cols
        }
    }
}

/// Matrix products with NumPy `matmul` rules for rank-1 and rank-2 operands.
package enum LinearAlgebra {
    /// `(m, k) · (k, n)` on raw row-major buffers — the definition, i-k-j
    /// loop order so the innermost loop streams through contiguous memory.
    /// Each term is added with a fused multiply-add (`c + a·b` rounded
    /// once, IEEE 754's `fusedMultiplyAdd`, so the same bits on every CPU).
    /// `product` computes the same numbers (each element summed over `p` in
    /// ascending order), register-blocked; this loop remains the reference,
    /// and the path taken when `b` holds infinities or NaN (a zero in `a`
    /// skips its row of `b` here, so `0 · inf` never enters a sum).
    static func gemm(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    for i in 0..<m {
                        let row = i * n
                        for p in 0..<k {
                            let aip = ap[i * k + p]
                            if aip == 0 { continue }
                            let brow = p * n
                            for j in 0..<n { cp[row + j].addProduct(aip, bp[brow + j]) }
                        }
                    }
                }
            }
        }
        return c
    }

    /// `C = A · B` for `A` (m, k) and `B` (k, n) read in place through strides —
    /// `A[i, p] = a[i·aRow + p·aCol]`, `B[p, j] = b[p·bRow + j·bCol]` — so a
    /// transposed operand is just swapped strides, never a copied array.
    /// Same sums as `gemm` (ascending `p`, fused multiply-add): the vector
    /// kernel (`MatrixKernel`) when the CPU has one, else four rows by four
    /// columns at a time in SIMD registers (`portableProduct`).
    static func product(_ a: [Double], aRow: Int, aCol: Int, _ b: [Double], bRow: Int, bCol: Int,
                        m: Int, k: Int, n: Int) -> [Double] {
        if m == 0 || n == 0 { return [] }
        if !allFinite(b) {
            // The reference loop, on row-major copies.
            let ra = (0..<m * k).map { a[($0 / k) * aRow + ($0 % k) * aCol] }
            let rb = (0..<k * n).map { b[($0 / n) * bRow + ($0 % n) * bCol] }
            return gemm(ra, rb, m: m, k: k, n: n)
        }
        return [Double](unsafeUninitializedCapacity: m * n) { c, count in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    if k == 0 || !MatrixKernel.product(ap.baseAddress!, aRow, aCol, bp.baseAddress!, bRow, bCol,
                                                       c.baseAddress!, m: m, k: k, n: n) {
                        portableProduct(ap.baseAddress, aRow, aCol, bp.baseAddress, bRow, bCol,
                                        c.baseAddress!, m: m, k: k, n: n)
                    }
                }
            }
            count = m * n
        }
    }

    /// Whether no element is infinite or NaN (an OR over the exponent bits, which vectorizes).
    static func allFinite(_ x: [Double]) -> Bool {
        x.withUnsafeBufferPointer { p in
            let exponent: UInt64 = 0x7FF0_0000_0000_0000
            var all: UInt64 = 0
            for v in p { all |= (v.bitPattern & exponent) == exponent ? 1 : 0 }
            return all == 0
        }
    }

    /// The portable kernel, used when `MatrixKernel` has no vector path
    /// (`CHAINRULE_KERNELS=portable`, no AVX2 with FMA, not x86-64). Its
    /// fused multiply-adds are one instruction on arm64; on an x86-64 CPU
    /// without FMA they are the C library's `fma`, exact but slow.
    static func portableProduct(_ a: UnsafePointer<Double>?, _ aRow: Int, _ aCol: Int,
                                _ b: UnsafePointer<Double>?, _ bRow: Int, _ bCol: Int,
                                _ c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int) {
        guard let a, let b, k > 0 else { c.initialize(repeating: 0, count: m * n); return }
        typealias V = SIMD4<Double>
        // Pack B into panels of four columns, row by row: panel q holds
        // B[p, 4q..<4q+4] at 4p (zeros past the last column).
        let panels = (n + 3) / 4
        let packed = UnsafeMutablePointer<V>.allocate(capacity: max(panels * k, 1))
        defer { packed.deallocate() }
        for q in 0..<panels {
            for p in 0..<k {
                var v = V()
                for jj in 0..<4 where 4 * q + jj < n { v[jj] = b[p * bRow + (4 * q + jj) * bCol] }
                packed[q * k + p] = v
            }
        }
        func store(_ v: V, row i: Int, panel q: Int) {
            let j0 = 4 * q
            for jj in 0..<min(4, n - j0) { c[i * n + j0 + jj] = v[jj] }
        }
        var i = 0
        while i + 4 <= m {
            for q in 0..<panels {
                let panel = packed + q * k
                var c0 = V(), c1 = V(), c2 = V(), c3 = V()
                var pa = a + i * aRow
                for p in 0..<k {
                    let bv = panel[p]
                    c0.addProduct(V(repeating: pa[0]), bv)
                    c1.addProduct(V(repeating: pa[aRow]), bv)
                    c2.addProduct(V(repeating: pa[2 * aRow]), bv)
                    c3.addProduct(V(repeating: pa[3 * aRow]), bv)
                    pa += aCol
                }
                store(c0, row: i, panel: q); store(c1, row: i + 1, panel: q)
                store(c2, row: i + 2, panel: q); store(c3, row: i + 3, panel: q)
            }
            i += 4
        }
        while i < m {
            for q in 0..<panels {
                let panel = packed + q * k
                var c0 = V()
                var pa = a + i * aRow
                for p in 0..<k {
                    c0.addProduct(V(repeating: pa[0]), panel[p])
                    pa += aCol
                }
                store(c0, row: i, panel: q)
            }
            i += 1
        }
    }

    /// The matrix (or vector) product `a @ b`.
    package static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.rank == 2 ? a.shape[0] : 1
        let k = a.shape.last!
        let n = b.rank == 2 ? b.shape[1] : 1
        let c = product(a.scalars, aRow: k, aCol: 1, b.scalars, bRow: n, bCol: 1, m: m, k: k, n: n)
        switch (a.rank, b.rank) {
        case (1, 1): return Tensor(c[0])
        case (2, 1): return Tensor(shape: [m], scalars: c)
        case (1, 2): return Tensor(shape: [n], scalars: c)
        default: return Tensor(shape: [m, n], scalars: c)
        }
    }

    /// The transpose of a matrix; vectors and scalars are returned unchanged.
    package static func transpose(_ a: Tensor) -> Tensor {
        guard a.rank == 2 else { return a }
        let r = a.shape[0], c = a.shape[1]
        var out = [Double](repeating: 0, count: a.count)
        for i in 0..<r { for j in 0..<c { out[j * r + i] = a.scalars[i * c + j] } }
        return Tensor(shape: [c, r], scalars: out)
    }

    /// Gradients of `y = a @ b` given `g = ∂L/∂y`: `(g · bᵀ, aᵀ · g)`,
    /// treating a vector `a` as a row and a vector `b` as a column.
    static func matmulGradients(_ a: Tensor, _ b: Tensor, _ g: Tensor) -> (Tensor, Tensor) {
        let (da, db) = matmulGradients(a, b, g, left: true, right: true)
        return (da!, db!)
    }

    /// The same, computing only the gradients asked for (`left`: `∂L/∂a`, `right`: `∂L/∂b`).
    static func matmulGradients(_ a: Tensor, _ b: Tensor, _ g: Tensor, left: Bool, right: Bool) -> (Tensor?, Tensor?) {
        let m = a.rank == 2 ? a.shape[0] : 1
        let k = a.shape.last!
        let n = b.rank == 2 ? b.shape[1] : 1
        // As matrices: A (m,k), B (k,n), G (m,n). The transposes are read in place:
        // Bᵀ[p, j] = B[j, p] = b[j·n + p], Aᵀ[i, p] = A[p, i] = a[p·k + i].
        let da = left ? product(g.scalars, aRow: n, aCol: 1, b.scalars, bRow: 1, bCol: n, m: m, k: n, n: k) : nil
        let db = right ? product(a.scalars, aRow: 1, aCol: k, g.scalars, bRow: n, bCol: 1, m: k, k: m, n: n) : nil
        return (da.map { Tensor(shape: a.shape, scalars: $0) }, db.map { Tensor(shape: b.shape, scalars: $0) })
    }
}

/// `sum` along all axes or one axis, and its backward (spreading a gradient back).
enum Reductions {
    static func sum(_ x: Tensor, axis: Int?, shape: [Int]) -> Tensor {
        guard let axis, x.rank == 2 else {
            return Tensor(shape: shape, scalars: [x.scalars.reduce(0, +)])
        }
        let r = x.shape[0], c = x.shape[1]
        if axis == 0 {
            var out = [Double](repeating: 0, count: c)
            for i in 0..<r { for j in 0..<c { out[j] += x.scalars[i * c + j] } }
            return Tensor(shape: shape, scalars: out)
        }
        var out = [Double](repeating: 0, count: r)
        for i in 0..<r { for j in 0..<c { out[i] += x.scalars[i * c + j] } }
        return Tensor(shape: shape, scalars: out)
    }

    /// Copies `g` (the gradient of a reduction) back to every element of the input shape.
    static func spread(_ g: Tensor, axis: Int?, to shape: [Int]) -> Tensor {
        guard let axis, shape.count == 2 else { return Tensor(repeating: g.scalars[0], shape: shape) }
        let r = shape[0], c = shape[1]
        var out = [Double](repeating: 0, count: r * c)
        for i in 0..<r { for j in 0..<c { out[i * c + j] = g.scalars[axis == 0 ? j : i] } }
        return Tensor(shape: shape, scalars: out)
    }
}

/// Softmax along the last axis and cross-entropy losses, numerically stable.
package enum SoftmaxAndLoss {
    /// The `1e-7` that keeps `log(p)` finite in `cross_entropy`.
    package static let logEpsilon = 1e-7

    /// `exp(x − max) / Σ exp(x − max)` along the last axis.
    package static func softmax(_ x: Tensor) -> Tensor {
        let c = x.lastAxisLength
        var out = x.scalars
        for start in stride(from: 0, to: out.count, by: c) {
            let row = start..<start + c
            let m = out[row].max()!
            var s = 0.0
            for i in row { out[i] = .exp(out[i] - m); s += out[i] }
            for i in row { out[i] /= s }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// `x − max − log Σ exp(x − max)` along the last axis.
    static func logSoftmax(_ x: Tensor) -> Tensor {
        let c = x.lastAxisLength
        var out = x.scalars
        for start in stride(from: 0, to: out.count, by: c) {
            let row = start..<start + c
            let m = out[row].max()!
            var s = 0.0
            for i in row { s += .exp(out[i] - m) }
            let lse = m + .log(s)
            for i in row { out[i] -= lse }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    static func softmaxBackward(y: Tensor, g: Tensor) -> Tensor {
        let c = y.lastAxisLength
        var out = [Double](repeating: 0, count: y.count)
        for start in stride(from: 0, to: y.count, by: c) {
            var dot = 0.0
            for i in start..<start + c { dot += g.scalars[i] * y.scalars[i] }
            for i in start..<start + c { out[i] = y.scalars[i] * (g.scalars[i] - dot) }
        }
        return Tensor(shape: y.shape, scalars: out)
    }

    /// `G − softmax(x) · ΣG` along the last axis, given `y = log_softmax(x)` (so `softmax(x) = exp(y)`).
    static func logSoftmaxBackward(y: Tensor, g: Tensor) -> Tensor {
        let c = y.lastAxisLength
        var out = [Double](repeating: 0, count: y.count)
        for start in stride(from: 0, to: y.count, by: c) {
            var total = 0.0
            for i in start..<start + c { total += g.scalars[i] }
            for i in start..<start + c { out[i] = g.scalars[i] - .exp(y.scalars[i]) * total }
        }
        return Tensor(shape: y.shape, scalars: out)
    }

    /// The target as a one-hot (or distribution) tensor of `p`'s shape.
    /// Index targets must hold whole numbers in `[0, C)`.
    static func oneHot(_ t: Tensor, like p: Tensor) throws(OperationFailure) -> Tensor {
        guard let labels = try classIndices(t, like: p) else { return t }
        let c = p.lastAxisLength
        var out = [Double](repeating: 0, count: p.count)
        for (row, label) in labels.enumerated() { out[row * c + label] = 1 }
        return Tensor(shape: p.shape, scalars: out)
    }

    /// The class of each row when `t` holds class indices (`p`'s shape
    /// without the last axis), checked as `oneHot` checks them; nil when `t`
    /// is one-hot or a distribution already (`p`'s shape).
    static func classIndices(_ t: Tensor, like p: Tensor) throws(OperationFailure) -> [Int]? {
        if t.shape == p.shape { return nil }
        let c = p.lastAxisLength
        var labels: [Int] = []
        labels.reserveCapacity(t.count)
        for label in t.scalars {
            guard label.isFinite, label == label.rounded(), label >= 0, label < Double(c) else {
                throw OperationFailure(message: "class label \(formatLabel(label)) is out of range: labels must be whole numbers in [0, \(c))")
            }
            labels.append(Int(label))
        }
        return labels
    }

    private static func formatLabel(_ x: Double) -> String {
        x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }

    /// `−Σ t · log(p + 1e-7) / N`, N = number of rows (1 for a vector).
    static func crossEntropy(_ p: Tensor, _ t: Tensor) -> Double {
        var s = 0.0
        for i in 0..<p.count where t.scalars[i] != 0 { s += t.scalars[i] * .log(p.scalars[i] + logEpsilon) }
        return -s / Double(p.rows)
    }

    static func crossEntropyDerivative(_ p: Tensor, _ t: Tensor) -> Tensor {
        let n = Double(p.rows)
        return Tensor(shape: p.shape, scalars: zip(p.scalars, t.scalars).map { p, t in t == 0 ? 0 : -t / (p + logEpsilon) / n })
    }

    /// `−Σ t · log_softmax(z) / N`, and `softmax(z)` from the same
    /// exponentials, for the derivative: per row, `m = max z`,
    /// `s = Σ exp(z − m)`, `log_softmax(z) = z − (m + log s)`,
    /// `softmax(z) = exp(z − m) / s` — the same numbers as `logSoftmax` and `softmax`.
    static func softmaxCrossEntropy(_ z: Tensor, _ t: Tensor) -> (loss: Double, softmax: Tensor) {
        t.scalars.withUnsafeBufferPointer { t in
            softmaxAndLoss(z) { row, _, z, lse, total in
                for i in row where t[i] != 0 { total += t[i] * (z[i] - lse) }
            }
        }
    }

    /// The same with class indices (`classIndices`), without a one-hot
    /// tensor: the one term of each row is `1 · (z − lse)`, which is
    /// `z − lse` exactly, so the same bits.
    static func softmaxCrossEntropy(_ z: Tensor, labels: [Int]) -> (loss: Double, softmax: Tensor) {
        labels.withUnsafeBufferPointer { labels in
            softmaxAndLoss(z) { row, r, z, lse, total in total += z[row.lowerBound + labels[r]] - lse }
        }
    }

    /// Row `row`'s term of `softmaxCrossEntropy(_:labels:)`'s sum, `z[label] − lse`,
    /// computed as `softmaxAndLoss` computes it (the same bits), for
    /// numerical gradients that recompute only some rows (`RowRecomputation`).
    static func lossTerm(_ z: UnsafeBufferPointer<Double>, row: Range<Int>, label: Int) -> Double {
        var m = z[row.lowerBound]
        for i in row where m < z[i] { m = z[i] }
        var s = 0.0
        for i in row { s += .exp(z[i] - m) }
        let lse = m + .log(s)
        return z[row.lowerBound + label] - lse
    }

    /// Per row `r` (the elements `row`): `m = max z`, `y = exp(z − m)`,
    /// `lse = m + log Σ y`, `terms(row, r, z, lse, &total)`, `y /= Σ y`.
    @inline(__always)
    private static func softmaxAndLoss(_ z: Tensor, _ terms: (Range<Int>, Int, UnsafeBufferPointer<Double>, Double, inout Double) -> Void)
        -> (loss: Double, softmax: Tensor) {
        let c = z.lastAxisLength, count = z.count
        var total = 0.0
        let y = [Double](unsafeUninitializedCapacity: count) { y, initialized in
            z.scalars.withUnsafeBufferPointer { z in
                for (r, start) in stride(from: 0, to: count, by: c).enumerated() {
                    let row = start..<start + c
                    var m = z[start]
                    for i in row where m < z[i] { m = z[i] }   // = z[row].max()!, NaN included
                    var s = 0.0
                    for i in row { y[i] = .exp(z[i] - m); s += y[i] }
                    let lse = m + .log(s)
                    terms(row, r, z, lse, &total)
                    for i in row { y[i] /= s }
                }
            }
            initialized = count
        }
        return (-total / Double(z.rows), Tensor(shape: z.shape, scalars: y))
    }

    /// `(y · Σt − t) / N` per row, given `y = softmax(z)` — `(y − t) / N`
    /// when each row of `t` sums to 1.
    static func softmaxCrossEntropyDerivative(softmax y: Tensor, _ t: Tensor) -> Tensor {
        let c = y.lastAxisLength, n = Double(y.rows)
        var out = [Double](repeating: 0, count: y.count)
        for start in stride(from: 0, to: y.count, by: c) {
            var mass = 0.0
            for i in start..<start + c { mass += t.scalars[i] }
            for i in start..<start + c { out[i] = (y.scalars[i] * mass - t.scalars[i]) / n }
        }
        return Tensor(shape: y.shape, scalars: out)
    }

    /// The same with class indices: `(y · 1 − t) / N`, `t` 1 at the row's
    /// class and 0 elsewhere (a one-hot row's Σt is exactly 1), so the same bits.
    static func softmaxCrossEntropyDerivative(softmax y: Tensor, labels: [Int]) -> Tensor {
        let c = y.lastAxisLength, n = Double(y.rows)
        let out = [Double](unsafeUninitializedCapacity: y.count) { out, initialized in
            y.scalars.withUnsafeBufferPointer { y in
                for (r, label) in labels.enumerated() {
                    let start = r * c
                    for i in start..<start + c { out[i] = (y[i] - (i - start == label ? 1 : 0)) / n }
                }
            }
            initialized = y.count
        }
        return Tensor(shape: y.shape, scalars: out)
    }

    /// `local ⊙ g` for a loss's local derivative and its scalar upstream
    /// gradient (`local` itself when `g` is 1: the same bits, no copy).
    static func times(_ local: Tensor, _ g: Tensor) -> Tensor {
        let gv = g.scalar
        return gv == 1 ? local : local.map { $0 * gv }
    }
}
