import Testing
@testable import ChainRule

/// The register-blocked matrix products against the reference i-k-j loop:
/// the same sums in the same order, so the same bits.
@Suite struct KernelTests {
    private func matrix(_ rows: Int, _ cols: Int, seed: Int) -> [Double] {
        (0..<rows * cols).map { i in
            let x = Double((i * 7919 + seed * 104729) % 2003) / 997 - 1
            return i % 5 == 0 ? 0 : x  // some zeros, as in image data
        }
    }

    /// The portable Swift kernel alone (the vector kernel is bypassed).
    private func portable(_ a: [Double], _ aRow: Int, _ aCol: Int, _ b: [Double], _ bRow: Int, _ bCol: Int,
                          m: Int, k: Int, n: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: m * n) { c, count in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    if m * n > 0 {
                        LinearAlgebra.portableProduct(ap.baseAddress, aRow, aCol, bp.baseAddress, bRow, bCol,
                                                      c.baseAddress!, m: m, k: k, n: n)
                    }
                }
            }
            count = m * n
        }
    }

    /// Both kernels — `product` (the vector kernel where the CPU has one,
    /// `MatrixKernel.name`) and the portable one — give the reference's bits,
    /// with operands row-major and transposed. The shapes cover every panel
    /// width and row remainder of the vector kernel and the two-layer net's six products.
    @Test(arguments: [(1, 1, 1), (3, 5, 2), (4, 4, 4), (7, 9, 13), (100, 64, 50), (5, 0, 3), (17, 3, 1),
                      (100, 50, 10), (100, 10, 50), (50, 100, 10), (64, 100, 50), (100, 50, 64),
                      (9, 300, 11), (13, 7, 5), (2, 2, 6), (8, 3, 12), (6, 5, 7)])
    func blockedProductMatchesReference(_ shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        let a = matrix(m, k, seed: 1), b = matrix(k, n, seed: 2)
        let reference = LinearAlgebra.gemm(a, b, m: m, k: k, n: n)
        #expect(LinearAlgebra.product(a, aRow: k, aCol: 1, b, bRow: n, bCol: 1, m: m, k: k, n: n) == reference,
                "\(MatrixKernel.name)")
        #expect(portable(a, k, 1, b, n, 1, m: m, k: k, n: n) == reference)
        // Transposed operands read through strides.
        let at = (0..<k * m).map { a[($0 % m) * k + $0 / m] }   // Aᵀ stored (k, m)
        let bt = (0..<n * k).map { b[($0 % k) * n + $0 / k] }   // Bᵀ stored (n, k)
        #expect(LinearAlgebra.product(at, aRow: 1, aCol: m, bt, bRow: 1, bCol: k, m: m, k: k, n: n) == reference,
                "\(MatrixKernel.name)")
        #expect(portable(at, 1, m, bt, 1, k, m: m, k: k, n: n) == reference)
    }

    @Test func matmulGradientsMatchTransposedProducts() {
        let a = Tensor(shape: [6, 5], scalars: matrix(6, 5, seed: 3))
        let b = Tensor(shape: [5, 7], scalars: matrix(5, 7, seed: 4))
        let g = Tensor(shape: [6, 7], scalars: matrix(6, 7, seed: 5))
        let (da, db) = LinearAlgebra.matmulGradients(a, b, g)
        #expect(da.scalars == LinearAlgebra.gemm(g.scalars, LinearAlgebra.transpose(b).scalars, m: 6, k: 7, n: 5))
        #expect(db.scalars == LinearAlgebra.gemm(LinearAlgebra.transpose(a).scalars, g.scalars, m: 5, k: 6, n: 7))
    }

    @Test func nonFiniteOperandKeepsReferenceSemantics() {
        // A zero in `a` skips its row of `b`, so 0 · inf does not poison the sum.
        let a: [Double] = [0, 1], b: [Double] = [.infinity, 2]
        #expect(LinearAlgebra.product(a, aRow: 2, aCol: 1, b, bRow: 1, bCol: 1, m: 1, k: 2, n: 1) == [2])
    }
}

/// Edge records are built on first use; they must match the pass's gradients.
@Suite struct LazyEdgeRecordTests {
    @Test func recordsAgreeWithGradientsAndIndexes() throws {
        var g = Graph()
        let x = g.leaf("x", 1.5), w = g.leaf("w", Tensor(vector: [0.5, -2, 3]))
        let xw = try g.apply(.mul, x, w)
        let r = try g.apply(.relu, xw)
        let s = try g.apply(.add, r, xw)
        let y = try g.apply(.sum(axis: nil), try g.apply(.mul, s, x))
        let pass = try g.forward().backward(from: y)
        let copy = pass  // copies share the records
        for node in g.nodes {
            #expect(pass.edges(into: node.id) == pass.edges.filter { $0.from == node.id })
            #expect(copy.edges(outOf: node.id) == pass.edges.filter { $0.to == node.id })
            let into = pass.edges(into: node.id)
            if !into.isEmpty, let grad = pass.gradient(of: node.id) {
                var total = into[0].contribution.scalars
                for e in into.dropFirst() { for i in total.indices { total[i] += e.contribution.scalars[i] } }
                #expect(total == grad.scalars)
            }
        }
        #expect(pass.sums.map(\.node).contains(x))
    }
}

/// The elementwise loops (`Elementwise.forward` / `.backward`) against the
/// rule table applied element by element (`Operation.backward`'s definition).
@Suite struct ElementwiseFastPathTests {
    private func tensor(_ shape: [Int], _ seed: Double) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { Double(($0 * 37 + Int(seed * 10)) % 17) / 4 - 2 + (seed > 2 ? 2.5 : 0) })
    }

    @Test func unaryOperationsMatchTheRuleTable() {
        // Every one-operand elementwise definition, and a few parameters.
        let ops = Operation.catalog.filter { $0.unaryRule != nil } + [.pow(3), .pow(0.5), .pow(0), .leakyRelu(slope: 0.2)]
        #expect(ops.count >= 15)
        for op in ops {
            for shape in [[], [5], [3, 4]] {
                let x = tensor(shape, 3), rule = op.unaryRule!
                let y = Elementwise.forward(op, x)
                #expect(y.scalars.elementsEqual(x.map(rule.forward).scalars, by: sameNumber), "\(op) \(shape)")
                let g = tensor(shape, 1)
                let reference = op.backward([x], y, g)[0]!.contribution
                #expect(Elementwise.backward(op, x, y, g).scalars.elementsEqual(reference.scalars, by: sameNumber), "\(op) \(shape)")
            }
        }
    }

    @Test func binaryOperationsMatchTheRuleTableWithBroadcasting() throws {
        let shapes: [([Int], [Int])] = [([], []), ([4], [4]), ([3, 4], [3, 4]), ([3, 4], [4]), ([4], [3, 4]),
                                        ([3, 4], []), ([], [3, 4]), ([3, 1], [1, 4]), ([3, 4], [3, 1]), ([1, 4], [3, 4])]
        let ops = Operation.catalog.filter { $0.binaryRule != nil }
        #expect(ops.count >= 7)
        for op in ops {
            for (sa, sb) in shapes {
                let a = tensor(sa, 1), b = tensor(sb, 4)
                let shape = try op.outputShape([sa, sb])
                let rule = op.binaryRule!
                let ea = Broadcasting.expand(a, to: shape), eb = Broadcasting.expand(b, to: shape)
                let y = Elementwise.forward(op, a, b, shape: shape)
                #expect(y.scalars.elementsEqual(zip(ea.scalars, eb.scalars).map(rule.forward), by: sameNumber), "\(op) \(sa) \(sb)")
                let g = tensor(shape, 2)
                let reference = op.backward([a, b], y, g)
                let (ca, cb) = Elementwise.backward(op, a, b, g)
                #expect(ca.scalars.elementsEqual(reference[0]!.contribution.scalars, by: sameNumber), "\(op) \(sa) \(sb)")
                #expect(cb.scalars.elementsEqual(reference[1]!.contribution.scalars, by: sameNumber), "\(op) \(sa) \(sb)")
            }
        }
    }
}

/// Equal, or both NaN (a fast path and its rule agree on NaN too).
private func sameNumber(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
