import ChainRule
import ChainRuleLessons
import Foundation
import Testing

/// Every shipped lesson plays to the end non-interactively, and its key
/// numbers (from the seeds' own examples) come out right.
@Suite struct ShippedLessonTests {
    @Test func everyLessonIsListedInOrder() throws {
        let library = LessonLibrary(directory: packageRoot.appendingPathComponent("Lessons").path)
        let ids = library.entries().map(\.id)
        #expect(ids == ["apples", "chain-rule", "add-and-multiply", "fan-out", "relu-neuron", "sigmoid", "dezero",
                        "affine", "softmax", "softmax-with-loss", "two-layer-net",
                        "sigmoid-neuron", "affine-one-sample", "softmax-in-practice", "define-by-run", "squared-error"])
        #expect(library.entry(named: "1")?.id == "apples")
        #expect(library.entry(named: "01")?.id == "apples")
        #expect(library.entry(named: "dezero")?.number == 7)
        #expect(library.entry(named: "nope") == nil)
        #expect(library.entries().allSatisfy { !$0.title.isEmpty && $0.title != "(no title)" })
    }

    @Test(arguments: ["apples", "chain-rule", "add-and-multiply", "fan-out", "relu-neuron", "sigmoid", "dezero",
                      "affine", "softmax", "softmax-with-loss", "sigmoid-neuron", "affine-one-sample",
                      "softmax-in-practice", "define-by-run", "squared-error"])
    func playsToTheEnd(_ id: String) throws {
        let l = try shippedLesson(id)
        let (text, _) = try play(l)
        #expect(text.contains("step 1/\(l.steps.count)"))
        #expect(text.contains("step \(l.steps.count)/\(l.steps.count)"))
        #expect(text.hasSuffix("end of lesson: \(l.title)\n"))
        // Forward steps in topological order, then backward from the output.
        for s in l.sections.indices {
            let steps = l.steps.filter { $0.section == s }
            let forward = steps.compactMap { if case .forward(let n) = $0.kind { return n } else { return nil } }
            #expect(forward == forward.sorted())
            let backward = steps.compactMap { if case .backward(let n) = $0.kind { return n } else { return nil } }
            #expect(backward == backward.sorted(by: >))
            #expect(steps.contains { $0.kind == .seed(l.sections[s].output) })
        }
        #expect(l.steps.map(\.number) == Array(1...l.steps.count))
    }

    @Test func apples() throws {
        let l = try shippedLesson("apples")
        #expect(close(l.value("total")?.scalar, 220))
        #expect(close(l.gradient("apple")?.scalar, 2.2))
        #expect(close(l.gradient("n")?.scalar, 110))
        #expect(close(l.gradient("tax")?.scalar, 200))
        #expect(close(l.gradient("price")?.scalar, 1.1))
        #expect(close(l.value("price", section: 1)?.scalar, 715))
        #expect(close(l.gradient("orange", section: 1)?.scalar, 3.3))
        #expect(close(l.gradient("n_orange", section: 1)?.scalar, 165))
        #expect(close(l.gradient("tax", section: 1)?.scalar, 650))
        #expect(close(l.gradient("apple_price", section: 1)?.scalar, 1.1))
        let text = try play(l).text
        #expect(text.contains("price = apple × n = 100 × 2 = 200"))
        #expect(text.contains("total = price × tax = 200 × 1.1 = 220"))
        #expect(text.contains("∂total/∂apple = ∂total/∂price · ∂price/∂apple = 1.1 × 2 = 2.2"))
        #expect(text.contains("∂total/∂tax = 1 × 200 = 200"))
        #expect(text.contains("price = all_price × tax = 650 × 1.1 = 715"))
        #expect(text.contains("+ passes the gradient through unchanged"))
        // The question comes before the answer, which the next step reveals.
        let ask = try #require(l.steps.firstIndex { $0.question != nil })
        #expect(l.steps[ask].equations.first?.hasSuffix("= ?") == true)
        #expect(l.steps[ask + 1].question == nil && l.steps[ask + 1].kind == l.steps[ask].kind)
        #expect(l.steps[ask + 1].equations.first?.hasSuffix("= 2.2") == true)
    }

    @Test func chainRule() throws {
        let l = try shippedLesson("chain-rule")
        #expect(close(l.value("z")?.scalar, 12.25))
        #expect(close(l.gradient("t")?.scalar, 7))
        #expect(close(l.gradient("x")?.scalar, 2 * (1.5 + 2)))
        #expect(close(l.gradient("y")?.scalar, 7))
        #expect(close(l.gradient("x", section: 1)?.scalar, 2 * (3 - 1)))
        let text = try play(l).text
        #expect(text.contains("∂z/∂x = ∂z/∂t · ∂t/∂x = 7 × 1 = 7"))
        #expect(text.contains("∂z/∂t = 2·t = 7"))
        #expect(text.contains("every gradient agrees with its numerical estimate"))
    }

    @Test func addAndMultiply() throws {
        let l = try shippedLesson("add-and-multiply")
        #expect(close(l.gradient("x")?.scalar, 2))
        #expect(close(l.gradient("y")?.scalar, 2))
        #expect(close(l.gradient("w")?.scalar, 15))
        #expect(close(l.gradient("a", section: 1)?.scalar, -2))
        #expect(close(l.gradient("b", section: 1)?.scalar, 1.5))
        #expect(close(l.gradient("c", section: 1)?.scalar, -12))
        let text = try play(l).text
        #expect(text.contains("∂L/∂x = ∂L/∂s · ∂s/∂x = 2 × 1 = 2"))
        #expect(text.contains("∂L/∂w = 1 × 15 = 15"))
        #expect(text.contains("× swaps its inputs"))
    }

    @Test func fanOut() throws {
        let l = try shippedLesson("fan-out")
        #expect(close(l.gradient("x")?.scalar, 15))
        let step = try #require(l.steps.first { $0.kind == .backward(l.sections[0].graph.node(named: "x")!) && $0.question == nil })
        #expect(step.terms.count == 2)
        #expect(close(step.sum?.scalar, 15))
        #expect(step.equations.last == "∂L/∂x = 9 + 6 = 15   (fan-out: the gradients of every use add up)")
        // The RECIP node: r = 1/S multiplies both exponentials, so its gradient is a sum.
        let s1 = l.sections[1]
        let r = try #require(s1.graph.node(named: "r"))
        let rStep = try #require(l.steps.first { $0.kind == .backward(r) })
        #expect(rStep.terms.count == 2)
        let y1 = 1 / (1 + exp(1.0))
        #expect(close(l.gradient("a1", section: 1)?.scalar, y1 - 0.2, tolerance: 1e-12))
        #expect(l.steps.last?.checks.allSatisfy(\.passed) == true)
    }

    @Test func reluNeuron() throws {
        let l = try shippedLesson("relu-neuron")
        #expect(close(l.value("z")?.scalar, 6))
        #expect(close(l.value("y")?.scalar, 6))
        #expect(close(l.gradient("x"), [-3, -1, 2]))
        #expect(close(l.gradient("w"), [1, -2, 3]))
        #expect(close(l.gradient("b")?.scalar, 1))
        #expect(close(l.value("y", section: 1)?.scalar, 0))
        #expect(close(l.gradient("w", section: 1), [0, 0, 0]))
        #expect(close(l.gradient("b", section: 1)?.scalar, 0))
        let text = try play(l).text
        #expect(text.contains("y = relu(z) = relu(6) = 6"))
        #expect(text.contains("ReLU lets the gradient through where its input was positive"))
    }

    @Test func sigmoid() throws {
        let l = try shippedLesson("sigmoid")
        let y = 1 / (1 + exp(-0.5))
        #expect(l.sections[0].expanded && !l.sections[1].expanded)
        let ops = l.sections[0].graph.nodes.compactMap(\.operation)
        #expect(ops.contains(.exp) && ops.contains(.recip) && !ops.contains(.sigmoid))
        #expect(close(l.gradient("x", section: 0)?.scalar, y * (1 - y), tolerance: 1e-12))
        #expect(close(l.gradient("x", section: 1)?.scalar, y * (1 - y), tolerance: 1e-12))
        let text = try play(l).text
        #expect(text.contains("×(−1) → exp → +1 → 1/x"))
        #expect(text.contains("∂y/∂x = y·(1 − y) = 0.235"))
        #expect(text.contains("−1/(exp(−x)+1)² = −y²"))
    }

    @Test func dezero() throws {
        let l = try shippedLesson("dezero")
        #expect(l.gradient("x")?.scalar == 3.297442541400256)
        let check = try #require(l.steps.last { $0.kind == .check })
        let row = try #require(check.checks.first)
        #expect(row.name == "x" && row.passed)
        #expect(abs(row.numerical.scalar - 3.297442541400256) < 1e-6)
        let text = try play(l).text
        #expect(text.contains("3.297442541400256"))
        #expect(text.contains("h = 1e−4"))
    }

    @Test func affine() throws {
        let l = try shippedLesson("affine")
        let s = l.sections[0]
        let X = try #require(l.value("X")), W = try #require(l.value("W")), Y = try #require(l.value("Y"))
        let G = Y.map { 2 * $0 }
        #expect(close(l.gradient("W"), LinearAlgebra.matmul(LinearAlgebra.transpose(X), G).scalars))
        #expect(close(l.gradient("X"), LinearAlgebra.matmul(G, LinearAlgebra.transpose(W)).scalars))
        let db = (0..<3).map { j in (0..<4).map { G[$0, j] }.reduce(0, +) }
        #expect(close(l.gradient("b"), db))
        let b = try #require(s.graph.node(named: "b"))
        let bStep = try #require(l.steps.first { $0.kind == .backward(b) })
        #expect(bStep.terms.first?.edge.reduction?.summedAxes == [0])
        let text = try play(l).text
        #expect(text.contains("∂L/∂W = Xᵀ · ∂L/∂A      matrix product, shapes (2, 4) · (4, 3) → (2, 3)"))
        #expect(text.contains("∂L/∂X = ∂L/∂A · Wᵀ      matrix product, shapes (4, 3) · (3, 2) → (4, 2)"))
        #expect(text.contains("Σ over axis 0"))
        #expect(text.contains("shapes (4, 3) → (3,)"))
        #expect(text.contains("X (4, 2) ──▶ A (@)"))
    }

    @Test func softmax() throws {
        let l = try shippedLesson("softmax")
        let expected = [0.14023427227587723, -0.5869561235372214, 0.08427102111391953, 0.36245083014742463]
        #expect(close(l.gradient("z"), expected, tolerance: 1e-12))
        #expect(close(l.gradient("z", section: 1), expected, tolerance: 1e-12))
        #expect(close(l.value("y"), [0.1187211209983021, 0.32271746586397215, 0.02649026274135226, 0.5320711503963734]))
        let text = try play(l).text
        #expect(text.contains("Jᵀ · ∂L/∂y,   J = diag(y) − y·yᵀ"))
        #expect(text.contains("J = [[0.105, −0.0383, −0.00314, −0.0632], [−0.0383, 0.219,"))
    }

    @Test func softmaxWithLoss() throws {
        let l = try shippedLesson("softmax-with-loss")
        let z: [[Double]] = [[0.3, 2.9, 4], [1, -1, 0.5]]
        let t: [[Double]] = [[0, 0, 1], [1, 0, 0]]
        var expected: [Double] = []
        for (row, target) in zip(z, t) {
            let m = row.max()!
            let e = row.map { exp($0 - m) }
            let s = e.reduce(0, +)
            expected += zip(e, target).map { ($0 / s - $1) / 2 }
        }
        #expect(close(l.gradient("z", section: 1), expected, tolerance: 1e-12))
        #expect(close(l.gradient("z", section: 0), expected, tolerance: 1e-6))
        // The targets are data in both graphs: no gradient, and the checks leave them out.
        #expect(l.gradient("t", section: 0) == nil && l.gradient("t", section: 1) == nil)
        #expect(l.sections.allSatisfy { $0.graph[$0.graph.node(named: "t")!].isData })
        let checks = l.steps.filter { $0.kind == .check }
        #expect(checks.count == 2 && checks.allSatisfy { $0.checks.map(\.name) == ["z"] && $0.checks.allSatisfy(\.passed) })
        #expect(close(l.value("L", section: 0)?.scalar, 0.4303355372542059))
        let text = try play(l).text
        #expect(text.contains("(softmax(z) − t)/N"))
        #expect(text.contains("— (target)"))
    }

    @Test func twoLayerNetwork() throws {
        let l = try shippedLesson("two-layer-net")
        let s = l.sections[0]
        #expect(s.graph[s.graph.node(named: "W1")!].shape == [64, 50])
        #expect(s.graph[s.graph.node(named: "W2")!].shape == [50, 10])
        // The images and labels are data: only the weights and biases get gradients.
        #expect(l.gradient("X") == nil && l.gradient("t") == nil)
        #expect(l.gradient("W1") != nil && l.gradient("b2") != nil)
        // Backprop vs numerical for every parameter, DLfS style.
        let check = try #require(l.steps.first { $0.kind == .check })
        #expect(check.checks.map(\.name) == ["W1", "b1", "W2", "b2"])
        for row in check.checks {
            #expect(row.passed)
            #expect(row.maxAbsoluteError < 1e-7)
        }
        #expect(check.table.contains { $0.hasPrefix("W1         (64, 50)") })
        // Training on the real digits, 80/20 split, fixed seed.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-lessons-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (text, player) = try play(l, outputDirectory: dir)
        let trainIndex = try #require(l.steps.firstIndex { $0.kind == .training })
        let result = try #require(player.trainingResults[trainIndex])
        #expect(result.finalTestAccuracy >= 0.9)
        #expect(result.losses.first! > result.losses.last!)
        let plan = try #require(l.steps[trainIndex].training)
        #expect(plan.dataset.rowCount == 1797 && plan.dataset.featureCount == 64 && plan.dataset.classCount == 10)
        #expect(plan.dataset.test.count == 1797 - plan.dataset.train.count)
        #expect(abs(Double(plan.dataset.train.count) / 1797 - 0.8) < 0.01)
        #expect(text.contains("test accuracy"))
        let svg = try String(contentsOf: dir.appendingPathComponent("digits-training.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<polyline id=\"loss\"") && svg.contains("test accuracy"))
    }

    // MARK: the lessons added for the missing seed material, each checked against a second computation

    private func sigma(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }

    @Test func sigmoidNeuron() throws {
        let l = try shippedLesson("sigmoid-neuron")
        #expect(l.warnings.isEmpty)
        // Scalar neuron: closed forms σ′(n)·w, σ′(n)·x, σ′(n).
        let n = 0.8 * 1.5 - 0.2, s = sigma(n), ds = s * (1 - s)
        #expect(close(l.value("y")?.scalar, s))
        #expect(close(l.gradient("x")?.scalar, ds * 0.8))
        #expect(close(l.gradient("w")?.scalar, ds * 1.5))
        #expect(close(l.gradient("b")?.scalar, ds))
        // Two neurons: x1's gradient is the sum of the two chains; the matrix form gives dX = σ′·Wᵀ.
        let m = 0.2 * 1 + 0.6 * 0.5 + 0.1, q = -0.4 * 1 + 0.1 * 0.5 - 0.3
        let sm = sigma(m) * (1 - sigma(m)), sq = sigma(q) * (1 - sigma(q))
        #expect(close(l.gradient("x1", section: 1)?.scalar, sm * 0.2 + sq * -0.4))
        #expect(close(l.gradient("x2", section: 1)?.scalar, sm * 0.6 + sq * 0.1))
        #expect(close(l.gradient("X", section: 2), [sm * 0.2 + sq * -0.4, sm * 0.6 + sq * 0.1]))
        #expect(close(l.gradient("W", section: 2), [sm, sq, 0.5 * sm, 0.5 * sq]))
        // And by finite differences.
        let numeric = try numericalGradient(l, section: 2, leaf: "X")
        #expect(close(l.gradient("X", section: 2), numeric.scalars, tolerance: 1e-7))
        // The layer question asks for a sum: its step does not show it.
        let ask = try #require(l.steps.first { $0.question != nil && $0.section == 1 })
        #expect(!ask.equations.joined().contains(LessonFormat.number(sm * 0.2 + sq * -0.4)))
    }

    @Test func affineOneSample() throws {
        let l = try shippedLesson("affine-one-sample")
        // ∂L/∂W = Xᵀ·G is the outer product of x = (1, 2) and G = 2Y.
        let x = [1.0, 2.0], W = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], b = [0.1, 0.2, 0.3]
        let y = (0..<3).map { j in x[0] * W[0][j] + x[1] * W[1][j] + b[j] }
        let g = y.map { 2 * $0 }
        #expect(close(l.value("Y"), y))
        #expect(close(l.gradient("W"), x.flatMap { xi in g.map { xi * $0 } }))
        #expect(close(l.gradient("X"), (0..<2).map { i in (0..<3).reduce(0.0) { $0 + g[$1] * W[i][$1] } }))
        #expect(close(l.gradient("b"), g))
        let numeric = try numericalGradient(l, section: 0, leaf: "W")
        #expect(close(l.gradient("W"), numeric.scalars, tolerance: 1e-7))
    }

    @Test func softmaxInPractice() throws {
        let l = try shippedLesson("softmax-in-practice")
        // Shifted by the max: the softmax of [0, 1, 2] (exp(800) itself would overflow).
        let e = [Foundation.exp(-2.0), Foundation.exp(-1.0), 1.0], sum = e.reduce(0, +)
        let y = e.map { $0 / sum }
        #expect(close(l.value("y"), y))
        #expect(close(l.value("y", section: 1), y))
        let fused = try #require(l.value("y", section: 1))
        #expect(fused.scalars.allSatisfy { $0.isFinite })
        #expect(close(l.gradient("z", section: 1), [y[0], y[1], y[2] - 1], tolerance: 1e-6))
        // Rows: certain and right (p = 1), certain and wrong (p = 0), ordinary (p = 0.7); class 2 is correct.
        // Adding δ = 1e-7: a certain, right row's loss is slightly negative, −log(1 + δ), and every gradient flows.
        let delta = 1e-7
        #expect(close(l.value("l", section: 2), [-Foundation.log1p(delta), -Foundation.log(delta), -Foundation.log(0.7 + delta)],
                      tolerance: 1e-12))
        #expect(close(l.gradient("p", section: 2), [0, 0, -1 / (3 * (1 + delta)), 0, 0, -1 / (3 * delta), 0, 0, -1 / (3 * (0.7 + delta))],
                      tolerance: 1e-9))
        // Clipping to [δ, 1 − δ]: the loss is −log of the clipped value, and no gradient flows where p was clipped.
        #expect(close(l.value("c", section: 3), [delta, delta, 1 - delta, 0.98, 0.02, delta, 0.1, 0.2, 0.7], tolerance: 1e-15))
        #expect(close(l.value("l", section: 3), [-Foundation.log1p(-delta), -Foundation.log(delta), -Foundation.log(0.7)], tolerance: 1e-12))
        #expect(close(l.gradient("p", section: 3), [0, 0, 0, 0, 0, 0, 0, 0, -1 / (3 * 0.7)], tolerance: 1e-12))
        // The lesson's gradient check of the clipped graph (h = 1e-8 stays on one side of each clip end) passes.
        let clipCheck = try #require(l.steps.first { $0.kind == .check && $0.section == 3 })
        #expect(clipCheck.checks.map(\.name) == ["p"] && clipCheck.checks.allSatisfy(\.passed))
        // Argmax of the probabilities is argmax of the scores.
        let p = try #require(l.value("y", section: 4))
        #expect(p.scalars.firstIndex(of: p.scalars.max()!) == 2)
    }

    @Test func defineByRun() throws {
        let l = try shippedLesson("define-by-run")
        // d/dx exp(x²)² = 4x·exp(2x²), at x = 1: 4e².
        #expect(close(l.gradient("x")?.scalar, 4 * Foundation.exp(2.0)))
        let numeric = try numericalGradient(l, section: 0, leaf: "x")
        #expect(close(l.gradient("x")?.scalar, numeric.scalar, tolerance: 1e-6))
    }

    @Test func squaredError() throws {
        let l = try shippedLesson("squared-error")
        let z = 1 * 0.4 + 0.5 * -0.6 + 0.2, y = sigma(z)
        let dz = (y - 1) * y * (1 - y)
        #expect(close(l.value("y")?.scalar, y))
        #expect(close(l.gradient("z")?.scalar, dz))
        #expect(close(l.gradient("w"), [dz * 1, dz * 0.5]))
        #expect(close(l.gradient("b")?.scalar, dz))
        // Targets and inputs are data: no gradient, and the check leaves them out.
        #expect(l.gradient("t") == nil && l.gradient("x") == nil)
        let check = try #require(l.steps.first { $0.kind == .check })
        let checked = Set(check.checks.map { $0.name })
        let passed = check.checks.allSatisfy { $0.passed }
        #expect(checked == ["w", "b"])
        #expect(passed)
    }

    /// Central differences on a lesson's section graph, independent of backprop.
    private func numericalGradient(_ l: Lesson, section: Int, leaf: String) throws -> Tensor {
        let s = l.sections[section]
        let id = try #require(s.graph.node(named: leaf))
        return try GradientCheck.numericalGradient(of: s.output, withRespectTo: id, in: s.graph, step: 1e-6)
    }
}
