import ChainRule
import RealModule
import Testing

/// Softmax, cross-entropy and softmax-with-loss, by hand.
@Suite struct SoftmaxAndLossTests {
    let z = Tensor(vector: [0.3, 2.9, 4.0])   // Saito's softmax example

    @Test func softmaxValues() throws {
        let e = z.scalars.map { Double.exp($0) }, s = e.reduce(0, +)
        expectClose(try run(.softmax, z).y, Tensor(vector: e.map { $0 / s }))
        // The gradient of sum(softmax) is zero: the outputs always add up to 1.
        expectClose(try run(.softmax, z).grads[0], .zeros([3]), tolerance: 1e-15)
    }

    @Test func crossEntropyWithOneHotAndIndexTargets() throws {
        let p = Tensor(vector: [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
        var oneHot = Tensor.zeros([10]); oneHot.scalars[2] = 1
        let expected = -Double.log(0.6 + 1e-7)   // 0.510825457099338 (Saito ch. 4)
        let a = try run(.crossEntropy, p, oneHot)
        expectClose(a.y, Tensor(expected))
        #expect(a.grads[1] == nil)   // no gradient flows into a target
        expectClose(Tensor(a.grads[0]!.scalars[2]), Tensor(-1 / (0.6 + 1e-7)))
        let b = try run(.crossEntropy, p, Tensor(2))
        expectClose(b.y, Tensor(expected))
    }

    @Test func softmaxWithLossGradientIsYMinusTOverN() throws {
        let zs = Tensor(rows: [[0.3, 2.9, 4.0], [1, 2, 3]])
        let t = Tensor(vector: [2, 0])
        let r = try run(.softmaxCrossEntropy, zs, t)
        let y = try run(.softmax, zs).y
        var expected = y
        expected[0, 2] -= 1; expected[1, 0] -= 1
        expectClose(r.grads[0], expected.map { $0 / 2 })
        // Equal to the decomposed cross_entropy(softmax(z), t) up to the 1e-7 in the log.
        var g = Graph()
        let zi = g.leaf("z", zs), ti = g.leaf("t", t)
        let l = try g.apply(.crossEntropy, try g.apply(.softmax, zi), ti)
        let pass = try g.forward().backward(from: l)
        expectClose(pass.gradient(of: zi), expected.map { $0 / 2 }, tolerance: 1e-6)
        expectClose(pass.forward.value(of: l), r.y, tolerance: 1e-6)
    }

    @Test func badLabelIsAnEvaluationError() throws {
        var g = Graph()
        let zi = g.leaf("z", Tensor(rows: [[1, 2, 3], [0, 1, 0]]))
        let t = g.leaf("t", [2, 3])
        let l = try g.apply(.softmaxCrossEntropy, zi, t)
        #expect(throws: EvaluationError.self) { try g.forward() }
        do { _ = try g.forward() } catch { #expect(error.node == l) }
    }

    @Test func stableForHugeLogits() throws {
        let r = try run(.softmaxCrossEntropy, Tensor(vector: [1000, -1000, 0]), Tensor(0))
        expectClose(r.y, Tensor(0))
        #expect(r.grads[0]!.isFinite)
        let s = try run(.softmaxCrossEntropy, Tensor(vector: [-1000, 1000, 0]), Tensor(0))
        expectClose(s.y, Tensor(2000))
    }
}
