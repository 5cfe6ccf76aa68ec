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

/// Matrix products with NumPy `matmul` rules for rank-1 and rank-2 operands.
public enum LinearAlgebra {
    /// `(m, k) · (k, n)` on raw row-major buffers, i-k-j loop order so the
    /// innermost loop streams through contiguous memory.
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
                            for j in 0..<n { cp[row + j] += aip * bp[brow + j] }
                        }
                    }
                }
            }
        }
        return c
    }

    /// The matrix (or vector) product `a @ b`.
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.rank == 2 ? a.shape[0] : 1
        let k = a.shape.last!
        let n = b.rank == 2 ? b.shape[1] : 1
        let c = gemm(a.scalars, b.scalars, m: m, k: k, n: n)
        switch (a.rank, b.rank) {
        case (1, 1): return Tensor(c[0])
        case (2, 1): return Tensor(shape: [m], scalars: c)
        case (1, 2): return Tensor(shape: [n], scalars: c)
        default: return Tensor(shape: [m, n], scalars: c)
        }
    }

    /// The transpose of a matrix; vectors and scalars are returned unchanged.
    public static func transpose(_ a: Tensor) -> Tensor {
        guard a.rank == 2 else { return a }
        let r = a.shape[0], c = a.shape[1]
        var out = [Double](repeating: 0, count: a.count)
        for i in 0..<r { for j in 0..<c { out[j * r + i] = a.scalars[i * c + j] } }
        return Tensor(shape: [c, r], scalars: out)
    }

    /// Gradients of `y = a @ b` given `g = ∂L/∂y`: `(g · bᵀ, aᵀ · g)`,
    /// treating a vector `a` as a row and a vector `b` as a column.
    static func matmulGradients(_ a: Tensor, _ b: Tensor, _ g: Tensor) -> (Tensor, Tensor) {
        let m = a.rank == 2 ? a.shape[0] : 1
        let k = a.shape.last!
        let n = b.rank == 2 ? b.shape[1] : 1
        // As matrices: A (m,k), B (k,n), G (m,n).
        let bt = transpose(Tensor(shape: [k, n], scalars: b.scalars)).scalars
        let at = transpose(Tensor(shape: [m, k], scalars: a.scalars)).scalars
        let da = gemm(g.scalars, bt, m: m, k: n, n: k)
        let db = gemm(at, g.scalars, m: k, k: m, n: n)
        return (Tensor(shape: a.shape, scalars: da), Tensor(shape: b.shape, scalars: db))
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
public enum SoftmaxAndLoss {
    /// The `1e-7` that keeps `log(p)` finite in `cross_entropy`.
    public static let logEpsilon = 1e-7

    /// `exp(x − max) / Σ exp(x − max)` along the last axis.
    public static func softmax(_ x: Tensor) -> Tensor {
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

    /// The target as a one-hot (or distribution) tensor of `p`'s shape.
    /// Index targets must hold whole numbers in `[0, C)`.
    static func oneHot(_ t: Tensor, like p: Tensor) throws(OperationFailure) -> Tensor {
        if t.shape == p.shape { return t }
        let c = p.lastAxisLength
        var out = [Double](repeating: 0, count: p.count)
        for (row, label) in t.scalars.enumerated() {
            guard label.isFinite, label == label.rounded(), label >= 0, label < Double(c) else {
                throw OperationFailure(message: "class label \(formatLabel(label)) is out of range: labels must be whole numbers in [0, \(c))")
            }
            out[row * c + Int(label)] = 1
        }
        return Tensor(shape: p.shape, scalars: out)
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

    /// `−Σ t · log_softmax(z) / N`.
    static func softmaxCrossEntropy(_ z: Tensor, _ t: Tensor) -> Double {
        let ls = logSoftmax(z)
        var s = 0.0
        for i in 0..<z.count where t.scalars[i] != 0 { s += t.scalars[i] * ls.scalars[i] }
        return -s / Double(z.rows)
    }

    /// `(softmax(z) · Σt − t) / N` per row — `(y − t) / N` when each row of `t` sums to 1.
    static func softmaxCrossEntropyDerivative(_ z: Tensor, _ t: Tensor) -> Tensor {
        let y = softmax(z)
        let c = z.lastAxisLength, n = Double(z.rows)
        var out = [Double](repeating: 0, count: z.count)
        for start in stride(from: 0, to: z.count, by: c) {
            var mass = 0.0
            for i in start..<start + c { mass += t.scalars[i] }
            for i in start..<start + c { out[i] = (y.scalars[i] * mass - t.scalars[i]) / n }
        }
        return Tensor(shape: z.shape, scalars: out)
    }
}
