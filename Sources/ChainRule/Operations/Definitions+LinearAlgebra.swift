// Matrix product and transpose. Their local derivatives are rules, not
// elementwise factors: for `y = A @ B`, `∂L/∂A = G · Bᵀ` and `∂L/∂B = Aᵀ · G`.
// The loops are in Kernels.swift (`LinearAlgebra`).

extension OperationDefinition {
    /// NumPy `matmul` rules for rank-1 and rank-2 operands; vector @ vector is a dot product.
    static let matmul = OperationDefinition(
        name: "@", symbol: "@", arity: 2, verb: "matrix-multiply",
        text: .init("matrix product", forward: "y = A @ B", infix: "@",
                    local: [.init("{G} · {b}ᵀ", "the gradient of A @ B for A is G · Bᵀ"),
                            .init("{a}ᵀ · {G}", "the gradient of A @ B for B is Aᵀ · G")]),
        rule: .tensor(TensorRule(
            shape: matmulShape,
            forward: { x, _ in LinearAlgebra.matmul(x[0], x[1]) },
            backward: { x, _, g in
                let (da, db) = LinearAlgebra.matmulGradients(x[0], x[1], g)
                return [OperandGradient(local: .rule("G · Bᵀ"), contribution: da),
                        OperandGradient(local: .rule("Aᵀ · G"), contribution: db)]
            })))

    /// Swaps rows and columns; vectors and scalars are unchanged.
    static let transpose = OperationDefinition(
        name: "transpose", symbol: "ᵀ", call: .init("transpose", reserved: true, .transpose),
        text: .init("transpose", forward: "y = xᵀ", expression: "{a}ᵀ", local: [.init("({G})ᵀ")]),
        rule: .tensor(TensorRule(
            shape: { s in s[0].count == 2 ? [s[0][1], s[0][0]] : s[0] },
            forward: { x, _ in LinearAlgebra.transpose(x[0]) },
            backward: { _, _, g in [OperandGradient(local: .rule("Gᵀ"), contribution: LinearAlgebra.transpose(g))] })))
}

@Sendable private func matmulShape(_ shapes: [[Int]]) throws(ShapeError) -> [Int] {
    let a = shapes[0], b = shapes[1]
    if a.isEmpty || b.isEmpty {
        throw ShapeError("cannot matrix-multiply a scalar: shapes \(describeShape(a)) and \(describeShape(b)); use * instead",
                         operand: a.isEmpty ? 0 : 1)
    }
    let inner = a.last!, innerB = b[0]
    guard inner == innerB else {
        throw ShapeError("cannot matrix-multiply shapes \(describeShape(a)) and \(describeShape(b)): inner dimensions \(inner) and \(innerB) differ")
    }
    switch (a.count, b.count) {
    case (1, 1): return []
    case (2, 1): return [a[0]]
    case (1, 2): return [b[1]]
    default: return [a[0], b[1]]
    }
}
