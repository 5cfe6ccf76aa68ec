import ChainRule
import RealModule
import Testing

/// Hardening (issue 8): softmax, sigmoid, log-softmax and cross-entropy stay
/// finite and accurate for inputs up to ±1000; NaN and ±Inf propagate through
/// forward and backward instead of trapping.
@Suite struct NumericHardeningTests {
    static let extremes: [Double] = [1000, -1000, 999.5, -999.5, 0, 1e-300, -1e-300, 700, -745]

    @Test(arguments: [[1000.0, -1000, 0], [-1000.0, 1000, 0], [1000.0, 1000, 1000], [-1000.0, -1000, -1000], [1000.0, 999, -1000]])
    func softmaxIsStable(_ z: [Double]) throws {
        let r = try run(.softmax, Tensor(vector: z))
        #expect(r.y.isFinite)
        #expect(abs(r.y.sum - 1) < 1e-12)
        #expect(r.y.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Against the shifted formula computed here.
        let m = z.max()!
        let e = z.map { Double.exp($0 - m) }, s = e.reduce(0, +)
        expectClose(r.y, Tensor(vector: e.map { $0 / s }), tolerance: 1e-15)
        #expect(r.grads[0]!.isFinite)
    }

    @Test func softmaxRowsOfAMatrixAreStable() throws {
        let r = try run(.softmax, Tensor(rows: [[1000, -1000, 0], [-1000, -1000, -1000], [5, 1000, 1000]]))
        #expect(r.y.isFinite)
        for row in r.y.rowArrays { #expect(abs(row.reduce(0, +) - 1) < 1e-12) }
        expectClose(Tensor(vector: r.y.rowArrays[2]), Tensor(vector: [0, 0.5, 0.5]), tolerance: 1e-15)
    }

    @Test(arguments: extremes)
    func sigmoidIsStable(_ x: Double) throws {
        let r = try run(.sigmoid, Tensor(x))
        #expect(r.y.isFinite && r.y.scalar >= 0 && r.y.scalar <= 1)
        #expect(r.grads[0]!.isFinite)
        // σ(x) = 1 / (1 + e^−x), evaluated on the side that does not overflow.
        let expected = x >= 0 ? 1 / (1 + Double.exp(-x)) : Double.exp(x) / (1 + Double.exp(x))
        #expect(r.y.scalar.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-15))
        // σ'(x) = σ(x)(1 − σ(x)) ≥ 0, and 0 only where it underflows.
        #expect(r.grads[0]!.scalar >= 0 && r.grads[0]!.scalar <= 0.25)
    }

    /// Log-softmax is what softmax_cross_entropy computes: −log softmax(z)[t].
    @Test func logSoftmaxThroughTheFusedLossIsExact() throws {
        // −log softmax([1000, −1000, 0])[k] = logsumexp − z[k], logsumexp = 1000 (+ e^−1000 ≈ 0).
        for (k, expected) in [(0, 0.0), (1, 2000.0), (2, 1000.0)] {
            let r = try run(.softmaxCrossEntropy, Tensor(vector: [1000, -1000, 0]), Tensor(Double(k)))
            #expect(r.y.scalar.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-9), "class \(k)")
            #expect(r.grads[0]!.isFinite)
            // ∂L/∂z = softmax(z) − onehot(k).
            var g = [1.0, 0, 0]; g[k] -= 1
            expectClose(r.grads[0], Tensor(vector: g), tolerance: 1e-15)
        }
        // A batch with a one-hot target: mean over rows, gradient (y − t) / N.
        let z = Tensor(rows: [[1000, -1000, 0], [-1000, 1000, 0]])
        let t = Tensor(rows: [[0, 1, 0], [0, 0, 1]])
        let r = try run(.softmaxCrossEntropy, z, t)
        #expect(r.y.scalar.isApproximatelyEqual(to: (2000 + 1000) / 2, absoluteTolerance: 1e-9))
        expectClose(r.grads[0], Tensor(rows: [[0.5, -0.5, 0], [0, 0.5, -0.5]]), tolerance: 1e-15)
    }

    /// cross_entropy(softmax(z), t) at ±1000: softmax underflows to 0 and the
    /// 1e-7 in the log keeps the loss finite (−log 1e-7 ≈ 16.1).
    @Test func crossEntropyOfSaturatedSoftmaxIsFinite() throws {
        var g = Graph()
        let z = g.leaf("z", Tensor(vector: [1000, -1000, 0]))
        let t = g.leaf("t", Tensor(vector: [0, 1, 0]))
        let loss = try g.apply(.crossEntropy, try g.apply(.softmax, z), t)
        let pass = try g.forward().backward(from: loss)
        let value = pass.forward.value(of: loss).scalar
        #expect(value.isFinite)
        #expect(value.isApproximatelyEqual(to: -Double.log(1e-7), relativeTolerance: 1e-6))
        #expect(pass.gradient(of: z)!.isFinite)
        // cross_entropy of an exact 0 probability is finite too.
        let r = try run(.crossEntropy, Tensor(vector: [0, 1, 0]), Tensor(0))
        #expect(r.y.isFinite && r.grads[0]!.isFinite)
    }

    @Test func nanAndInfinityPropagateWithoutTrapping() throws {
        // log(0) = −inf, log(−1) = nan: reported, never a crash (docs/LANGUAGE.md §6).
        let l = try run(.log, Tensor(vector: [0, -1, 1]))
        #expect(l.y.scalars[0] == -.infinity)
        #expect(l.y.scalars[1].isNaN)
        #expect(l.y.scalars[2] == 0)
        // NaN and ±inf inputs flow through every elementwise op and the losses.
        let weird = Tensor(vector: [.nan, .infinity, -.infinity])
        for op in [Operation.exp, .log, .recip, .square, .sqrt, .sigmoid, .relu, .tanh, .neg, .softmax] {
            let r = try run(op, weird)
            #expect(r.y.shape == [3], "\(op)")
            #expect(r.grads[0]?.shape == [3], "\(op)")
        }
        #expect(try run(.sigmoid, weird).y.scalars[1] == 1)
        #expect(try run(.sigmoid, weird).y.scalars[2] == 0)
        #expect(try run(.softmax, weird).y.scalars.contains { $0.isNaN })
        let s = try run(.softmaxCrossEntropy, Tensor(vector: [.nan, 0, 0]), Tensor(1))
        #expect(s.y.scalar.isNaN)
        let sum = try run(.sum(axis: nil), Tensor(vector: [1, .infinity]))
        #expect(sum.y.scalar == .infinity)
        let mm = try run(.matmul, Tensor(rows: [[.infinity, 0]]), Tensor(vector: [0, 1]))
        #expect(mm.y.scalars[0].isNaN)   // inf × 0
    }
}
