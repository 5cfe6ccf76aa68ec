import Testing
@testable import ChainRule

/// The definitions are complete and self-consistent, and every path that
/// derives from them (fast paths, expansions, the scalar tape, the explain
/// text) agrees with the reference rule.
@Suite struct OperationDefinitionTests {
    @Test func everyDefinitionIsComplete() {
        for op in Operation.catalog {
            let d = op.definition
            #expect(!d.name.isEmpty && !d.symbol.isEmpty, "\(op)")
            #expect((1...2).contains(d.arity), "\(op)")
            #expect(!d.text.locals.isEmpty && !d.text.title.isEmpty && d.text.forward.hasPrefix("y = "), "\(op)")
            let e = op.explanation
            #expect(e.localDerivatives.filter { $0.hasPrefix("local derivative ∂y/∂") }.count == d.arity - (d.target == nil ? 0 : 1), "\(op)")
            #expect(!e.lines.joined().contains("{"), "unfilled placeholder in \(op): \(e.lines)")
            if let call = d.call { #expect(call.signature.hasPrefix(call.name + "("), "\(op)") }
        }
    }

    @Test func catalogHasOneEntryPerKindAndUniqueCalls() {
        let kinds = Operation.catalog.map { "\($0)".prefix { $0 != "(" } }
        #expect(Set(kinds).count == kinds.count)
        let names = Operation.scriptCalls.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Set(names).isSuperset(of: ["exp", "sum", "softmax_cross_entropy", "maximum", "reshape", "pow"]))
    }

    @Test func explanationOfTanhComesFromItsDefinition() {
        let e = Operation.tanh.explanation
        #expect(e.title == "tanh(x) — hyperbolic tangent")
        #expect(e.forward == "y = tanh(x)")
        #expect(e.localDerivatives == ["local derivative ∂y/∂x = 1 − y²"])
        #expect(Operation.pow(3).explanation.localDerivatives == ["local derivative ∂y/∂x = 3·x^2"])
        #expect(Operation.crossEntropy.explanation.localDerivatives.last == "b is a target: no gradient flows into it")
        #expect(Operation.sigmoid.explanation.expansion == "×(−1) → exp → +1 → 1/x")
        #expect(Operation.mul.explanation.title == "a × b — elementwise multiplication")
        #expect(Operation.mul.explanation.localDerivatives == ["local derivative ∂y/∂a = b — × swaps its inputs: the local derivative is the other operand",
                                                               "local derivative ∂y/∂b = a — × swaps its inputs: the local derivative is the other operand"])
        #expect(Operation.index([1, 2]).explanation.title == "x[1, 2] — indexing")
    }

    @Test func templatesFillLabels() {
        let text = Operation.div.definition.text
        let labels = TextLabels(operands: ["x + 1", "w"], output: "y")
        #expect(text.fill(text.local(1).rule, labels) == "−(x + 1)/w²")
        #expect(text.expression("/", labels, compact: true) == "(x + 1)÷w")
        // `A = A` collapses (exp's output is its own expression).
        let exp = Operation.exp.definition.text
        #expect(exp.fill(exp.local(0).rule, TextLabels(operands: ["a"], output: "exp(a)")) == "exp(a)")
        #expect(exp.fill(exp.local(0).rule, TextLabels(operands: ["a"], output: "e")) == "exp(a) = e")
    }

    /// Scalar operands take the fast paths in `Graph.forward` and
    /// `Backward`; the edge records use the reference rule. Both must agree.
    @Test func scalarFastPathsMatchTheReferenceRule() throws {
        let elementwise = Operation.catalog.filter { $0.unaryRule != nil || $0.binaryRule != nil } + [.leakyRelu(slope: 0.3), .pow(-1)]
        for op in elementwise {
            for (a, b) in [(0.7, 1.3), (-0.4, 2.0), (1.5, 1.5)] {
                var g = Graph()
                let x = g.leaf("x", Tensor(a)), w = g.leaf("w", Tensor(b))
                let y = try g.apply(op, op.arity == 1 ? [x] : [x, w])
                let pass = try g.forward().backward(from: y)
                let reference = try op.forward([Tensor(a), Tensor(b)].prefix(op.arity).map { $0 }, shape: [])
                #expect(same(pass.forward.value(of: y).scalar, reference.scalar), "\(op) forward at \(a), \(b)")
                for edge in pass.edges(outOf: y) {
                    #expect(same(pass.gradient(of: edge.from)!.scalar, edge.contribution.scalar), "\(op) backward at \(a), \(b)")
                }
            }
        }
    }

    @Test func fusedOperationsExpandToEqualGradients() throws {
        for op in Operation.catalog where op.isFused {
            var g = Graph()
            let z = g.leaf("z", Tensor(shape: [2, 3], scalars: [0.5, -1, 2, 0.1, 0.2, -0.3]))
            let t = g.leaf("t", Tensor(shape: [2], scalars: [2, 0]))
            let y = try g.apply(op, op.arity == 1 ? [z] : [z, t])
            let out = op.arity == 1 ? try g.apply(.sum(axis: nil), [try g.apply(.mul, y, y)]) : y
            let fused = try g.forward().backward(from: out)
            let (e, map) = g.expanded()
            let expanded = try e.forward().backward(from: map[out.index])
            let a = fused.gradient(of: z)!, b = expanded.gradient(of: map[z.index])!
            // Expanded cross-entropy adds 1e-7 inside its log; the fused one is exact.
            for (u, v) in zip(a.scalars, b.scalars) { #expect(Swift.abs(u - v) <= 1e-6, "\(op)") }
        }
    }

    /// The scalar tape runs the same definitions: every elementwise
    /// operation, with an op code of its own or not, gives the graph
    /// engine's values and gradients.
    @Test func scalarTapeUsesTheDefinitions() throws {
        let elementwise = Operation.catalog.filter { ScalarTape.Op($0) != nil }
        #expect(elementwise.count == Operation.catalog.filter { $0.unaryRule != nil || $0.binaryRule != nil }.count)
        #expect(elementwise.contains(.abs) && elementwise.contains(.maximum) && elementwise.contains(.power))
        for code in ScalarTape.Op.allCases where code != .leaf && code != .unary && code != .binary {
            #expect(elementwise.contains { ScalarTape.Op($0) == code }, "\(code)")
        }
        for op in elementwise + [.pow(3), .leakyRelu(slope: 0.2)] {
            var g = Graph()
            let x = g.leaf("x", Tensor(0.8)), w = g.leaf("w", Tensor(-1.7))
            let y = try g.apply(op, op.arity == 1 ? [x] : [x, w])
            let pass = try g.forward().backward(from: y)
            var tape = try #require(ScalarTape(g))
            tape.backward(from: ScalarTape.Variable(y.index))
            #expect(tape.value(of: ScalarTape.Variable(y.index)) == pass.forward.value(of: y).scalar, "\(op)")
            #expect(tape.gradient(of: ScalarTape.Variable(x.index)) == pass.gradient(of: x)!.scalar, "\(op)")
            if op.arity == 2 {
                #expect(tape.gradient(of: ScalarTape.Variable(w.index)) == pass.gradient(of: w)!.scalar, "\(op)")
            }
            #expect(tape.operation(of: ScalarTape.Variable(y.index)) == op)
            var tape2 = tape
            tape2.setValue(0.3, of: ScalarTape.Variable(x.index))
            tape2.forward()
            #expect(tape2.value(of: ScalarTape.Variable(y.index)) == (op.arity == 1 ? op.unaryRule!.forward(0.3) : op.binaryRule!.forward(0.3, -1.7)))
        }
    }
}

/// Equal, or both NaN.
private func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
