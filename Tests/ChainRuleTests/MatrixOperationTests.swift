import ChainRule
import Testing

/// Matrix product, transpose and reductions, by hand.
@Suite struct MatrixOperationTests {
    @Test func matrixTimesVector() throws {
        let r = try run(.matmul, Tensor(rows: [[1, 2], [3, 4]]), Tensor(vector: [5, 6]))
        expectClose(r.y, Tensor(vector: [17, 39]))
        // ∂L/∂A = g ⊗ b (outer product), ∂L/∂b = Aᵀ g with g = ones
        expectClose(r.grads[0], Tensor(rows: [[5, 6], [5, 6]]))
        expectClose(r.grads[1], Tensor(vector: [4, 6]))
    }

    @Test func vectorDotVectorIsAScalar() throws {
        let r = try run(.matmul, Tensor(vector: [1, 2, 3]), Tensor(vector: [4, 5, 6]))
        expectClose(r.y, Tensor(32))
        expectClose(r.grads[0], Tensor(vector: [4, 5, 6]))
        expectClose(r.grads[1], Tensor(vector: [1, 2, 3]))
    }

    @Test func affineLayerGradients() throws {
        // Y = X W, L = sum(Y): dW = Xᵀ · 1, dX = 1 · Wᵀ (Saito ch. 5, Affine layer).
        let r = try run(.matmul, Tensor(rows: [[1, 2, 3], [4, 5, 6]]), Tensor(rows: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]))
        expectClose(r.y, Tensor(rows: [[2.2, 2.8], [4.9, 6.4]]))
        expectClose(r.grads[0], Tensor(rows: [[0.3, 0.7, 1.1], [0.3, 0.7, 1.1]]))
        expectClose(r.grads[1], Tensor(rows: [[5, 5], [7, 7], [9, 9]]))
    }

    @Test func scalarOperandOfMatmulIsAnError() {
        var g = Graph()
        let a = g.leaf("a", 2), b = g.leaf("b", [1, 2])
        #expect(throws: ShapeError.self) { try g.apply(.matmul, a, b) }
    }

    @Test func transposeSwapsAxesAndItsGradient() throws {
        let r = try run(.transpose, Tensor(rows: [[1, 2, 3], [4, 5, 6]]))
        expectClose(r.y, Tensor(rows: [[1, 4], [2, 5], [3, 6]]))
        expectClose(r.grads[0], .ones([2, 3]))
    }

    @Test func sumAndMeanAlongAxes() throws {
        let m = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        expectClose(try run(.sum(axis: nil), m).y, Tensor(21))
        expectClose(try run(.sum(axis: 0), m).y, Tensor(vector: [5, 7, 9]))
        expectClose(try run(.sum(axis: 1), m).y, Tensor(vector: [6, 15]))
        expectClose(try run(.mean(axis: nil), m).y, Tensor(3.5))
        expectClose(try run(.mean(axis: 0), m).y, Tensor(vector: [2.5, 3.5, 4.5]))
        expectClose(try run(.mean(axis: 1), m).grads[0], Tensor(repeating: 1.0 / 3, shape: [2, 3]))
        expectClose(try run(.sum(axis: 0), Tensor(vector: [1, 2])).y, Tensor(3))
    }

    @Test func axisTheOperandLacksIsAnError() {
        var g = Graph()
        let v = g.leaf("v", [1, 2, 3])
        #expect(throws: ShapeError.self) { try g.apply(.sum(axis: 1), v) }
    }
}
