import ChainRule
import RealModule
import Testing

/// Forward values and local derivatives of the elementwise operations, by hand.
@Suite struct ElementwiseOperationTests {
    @Test(arguments: [
        // (operation, x, y = f(x), ∂y/∂x)
        (Operation.neg, 2.0, -2.0, -1.0),
        (.exp, 0, 1, 1),
        (.exp, 1, .exp(1), .exp(1)),
        (.log, 2, .log(2), 0.5),
        (.recip, 4, 0.25, -1.0 / 16),
        (.square, 3, 9, 6),
        (.sqrt, 4, 2, 0.25),
        (.sigmoid, 0, 0.5, 0.25),
        (.relu, -1, 0, 0),
        (.relu, 0, 0, 0),          // relu'(0) = 0
        (.relu, 2, 2, 1),
        (.tanh, 0, 0, 1),
        (.pow(3), 2, 8, 12),
        (.pow(-1), 2, 0.5, -0.25),
        (.pow(0), 0, 1, 0),        // x^0 = 1 with derivative 0, even at 0
        (.pow(0.5), 4, 2, 0.25),
    ])
    func unary(op: Operation, x: Double, y: Double, dydx: Double) throws {
        let r = try run(op, Tensor(x))
        expectClose(r.y, Tensor(y))
        expectClose(local(r.edges, 0), Tensor(dydx))
        expectClose(r.grads[0], Tensor(dydx))
    }

    @Test(arguments: [
        // (operation, a, b, y, ∂y/∂a, ∂y/∂b)
        (Operation.add, 2.0, 3.0, 5.0, 1.0, 1.0),
        (.sub, 2, 3, -1, 1, -1),
        (.mul, 100, 2, 200, 2, 100),  // × swaps its inputs
        (.div, 6, 3, 2, 1.0 / 3, -6.0 / 9),
    ])
    func binary(op: Operation, a: Double, b: Double, y: Double, da: Double, db: Double) throws {
        let r = try run(op, Tensor(a), Tensor(b))
        expectClose(r.y, Tensor(y))
        expectClose(r.grads[0], Tensor(da))
        expectClose(r.grads[1], Tensor(db))
    }

    @Test func sigmoidAndSoftmaxAreStableAtThousand() throws {
        let r = try run(.sigmoid, Tensor(vector: [-1000, 1000]))
        expectClose(r.y, Tensor(vector: [0, 1]))
        #expect(r.grads[0]!.isFinite)
        let s = try run(.softmax, Tensor(vector: [1000, 0, -1000]))
        expectClose(s.y, Tensor(vector: [1, 0, 0]))
        #expect(s.grads[0]!.isFinite)
    }

    @Test func logOfZeroIsMinusInfinityNotACrash() throws {
        let r = try run(.log, Tensor(vector: [0, -1]))
        #expect(r.y.scalars[0] == -.infinity)
        #expect(r.y.scalars[1].isNaN)
    }

    @Test func biasGradientIsSumOverTheBatch() throws {
        // Y = X + b with X (2, 3) and b (3,): ∂L/∂b = Σ over axis 0 of the upstream ones.
        let r = try run(.add, Tensor(rows: [[1, 2, 3], [4, 5, 6]]), Tensor(vector: [10, 20, 30]))
        expectClose(r.y, Tensor(rows: [[11, 22, 33], [14, 25, 36]]))
        expectClose(r.grads[1], Tensor(vector: [2, 2, 2]))
        let biasEdge = r.edges.first { $0.operand == 1 }!
        #expect(biasEdge.reduction == BroadcastReduction(fromShape: [2, 3], toShape: [3], summedAxes: [0]))
        #expect(r.edges.first { $0.operand == 0 }!.reduction == nil)
    }

    @Test func columnBroadcastSumsOverAxisOne() throws {
        let r = try run(.mul, Tensor(rows: [[1, 2, 3], [4, 5, 6]]), Tensor(rows: [[2], [3]]))
        expectClose(r.y, Tensor(rows: [[2, 4, 6], [12, 15, 18]]))
        expectClose(r.grads[1], Tensor(rows: [[6], [15]]))
        #expect(r.edges.first { $0.operand == 1 }!.reduction?.summedAxes == [1])
    }

    @Test func shapeMismatchIsAnError() {
        var g = Graph()
        let w = g.leaf("W", Tensor(rows: [[1, 2, 3], [4, 5, 6]]))
        let x = g.leaf("x", [1, 2])
        #expect(throws: ShapeError("cannot multiply shapes (2, 3) and (2,)")) { try g.apply(.mul, w, x) }
    }
}
