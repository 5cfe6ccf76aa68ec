import ChainRule
import GraphScript
import Testing

@Suite struct ScriptTests {
    @Test func designExample() throws {
        let script = try compile("""
            # leaves: every literal assignment is a differentiable input
            x  = 2
            w  = [-3, -1, 2]            # vector, shape (3,)
            W  = [[0.1, 0.2], [0.3, 0.4]]  # matrix, shape (2, 2)
            v  = [1, 2]
            # expressions
            h  = sigmoid(W @ v + 1)     # numeric literals inside expressions are constants
            L  = sum(h) * x
            """)
        #expect(script.names.map(\.name) == ["x", "w", "W", "v", "h", "L"])
        #expect(script.outputName == "L")
        #expect(script.graph.leaves.map { script.graph[$0].name } == ["x", "w", "W", "v"])
        let pass = try script.evaluate()
        #expect(abs(scalar(script, pass, "L") - 3.4169553099960615) < 1e-12)
        #expect(gradient(script, pass, "w") == .zeros([3]))  // not used: zeros of its shape
        #expect(gradient(script, pass, "h") == Tensor(vector: [2, 2]))
    }

    @Test func leavesAndIntermediates() throws {
        let script = try compile("a = 2\nb = -3\nk = 2 * 3 + 1\nc = (2)\nd = -(2)\nL = a * b * k * c * d")
        let kinds = script.names.map { script.graph[$0.node].kind }
        #expect(kinds[0] == .leaf && kinds[1] == .leaf)
        #expect(kinds[2] == .operation(.add))
        #expect(kinds[3] == .operation(.identity) && kinds[4] == .operation(.identity))
        let pass = try script.evaluate()
        #expect(scalar(script, pass, "b") == -3)
        #expect(gradient(script, pass, "k")?.scalar == 24.0)
        #expect(script.graph.leaves.count == 2)
    }

    @Test func aliasHasItsOwnValueAndGradient() throws {
        // y = x: grads[y] is the gradient of y alone, x also gets its direct use.
        let script = try compile("x = 3\ny = x\nL = y * x")
        let pass = try script.evaluate()
        #expect(scalar(script, pass, "y") == 3)
        #expect(gradient(script, pass, "y")?.scalar == 3)
        #expect(gradient(script, pass, "x")?.scalar == 6)
        #expect(script.graph[script.node(named: "y")!].name == "y")
        #expect(script.graph[script.node(named: "x")!].name == "x")
    }

    @Test func targetsHaveNoGradient() throws {
        let script = try compile("z = [0.3, 2.9, 4]\nt = 1\nL = softmax_cross_entropy(z, t)")
        let pass = try script.evaluate()
        #expect(gradient(script, pass, "t") == nil)
        #expect(abs(scalar(script, pass, "L") - 1.4057144648124522) < 1e-12)
    }

    @Test func nonFiniteResultsAreNotErrors() throws {
        let script = try compile("x = 0\ny = log(x)")
        let pass = try script.evaluate()
        #expect(scalar(script, pass, "y") == -.infinity)
    }

    @Test func powersOfNegativeNumbers() throws {
        let script = try compile("a = 2\nu = (-a) ^ 2\nv = (-a) ^ 3\nw = a ^ 0\nL = u + v + w")
        let pass = try script.evaluate()
        #expect(scalar(script, pass, "u") == 4)
        #expect(scalar(script, pass, "v") == -8)
        #expect(scalar(script, pass, "w") == 1)
        #expect(gradient(script, pass, "a")?.scalar == -8.0)
    }

    @Test func locations() throws {
        let script = try compile("x = 2\nw = [1, 2]\ny = exp(x) * 3 + sum(w)", firstLine: 4)
        let g = script.graph
        func at(_ op: Operation) -> GraphScript.SourceLocation? {
            g.nodes.first { $0.operation == op }.flatMap { script.location(of: $0.id) }
        }
        #expect(script.location(of: script.node(named: "x")!) == GraphScript.SourceLocation(line: 4, column: 5))
        #expect(script.location(of: script.node(named: "w")!) == GraphScript.SourceLocation(line: 5, column: 5))
        #expect(at(.exp) == GraphScript.SourceLocation(line: 6, column: 5))
        #expect(at(.mul) == GraphScript.SourceLocation(line: 6, column: 12))
        #expect(at(.add) == GraphScript.SourceLocation(line: 6, column: 16))
        #expect(at(.sum(axis: nil)) == GraphScript.SourceLocation(line: 6, column: 18))
        let three = g.nodes.first { $0.kind == .constant }!
        #expect(script.location(of: three.id) == GraphScript.SourceLocation(line: 6, column: 14))
        #expect(script.location(of: NodeID(999)) == nil)
    }

    @Test func initialisers() throws {
        let script = try compile("""
            z = zeros(3)
            o = ones(2, 3)
            W = randn(2, 3, scale=0.01, seed=42)
            V = randn(2, 3, seed = 42, scale = 0.01)
            r = randn(4)
            L = sum(o @ z) + sum(W) + sum(r)
            """)
        let g = script.graph
        #expect(g.leaves.count == 5)
        let W = g.initialValues[script.node(named: "W")!.index]!
        let V = g.initialValues[script.node(named: "V")!.index]!
        #expect(W.shape == [2, 3] && W == V)
        #expect(W.scalars.allSatisfy { abs($0) < 0.05 } && Set(W.scalars).count == 6)
        #expect(g.initialValues[script.node(named: "z")!.index] == .zeros([3]))
        #expect(g.initialValues[script.node(named: "o")!.index] == .ones([2, 3]))
        // Documented generator: SplitMix64 then Box–Muller.
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        var again = SplitMix64(seed: 42)
        #expect(again.normals(6).map { $0 * 0.01 } == W.scalars)
        _ = try script.evaluate()
    }

    @Test func initialiserErrors() {
        #expect(diagnostic("W = zeros(0)")?.message == "a size must be a whole number literal of at least 1")
        #expect(diagnostic("W = zeros(2, 3, 4)")?.column == 17)
        #expect(diagnostic("W = ones(2, scale=1)")?.message == "ones has no argument named 'scale'")
        #expect(diagnostic("W = randn(2, sed=1)")?.notes == ["did you mean 'seed'?"])
        #expect(diagnostic("W = randn(100000, 100000)")?.message.hasPrefix("randn(100000, 100000) is too large") == true)
        #expect(diagnostic("W = randn()")?.message == "randn needs a size")
    }

    @Test func initialiserNamesStayAssignable() throws {
        // `zeros`, `ones` and `randn` are initialisers, not functions (docs/LANGUAGE.md §2): scripts may use them as names.
        let script = try compile("zeros = [1, 2]\nones = sum(zeros)")
        #expect(script.names.map(\.name) == ["zeros", "ones"])
    }

    @Test func firstLineAndStrings() throws {
        let script = try ScriptCompiler.compile(Array("x = 1\ny = x".utf8), fileName: "a.md", firstLine: 30)
        #expect(script.location(of: script.output) == GraphScript.SourceLocation(line: 31, column: 5))
        #expect(script.fileName == "a.md")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let script = try ScriptCompiler.compile([0xEF, 0xBB, 0xBF] + Array("x = 1\ny = x".utf8), fileName: "bom")
        #expect(script.location(of: script.node(named: "x")!) == GraphScript.SourceLocation(line: 1, column: 5))
        let d = diagnostic(bytes: [0xEF, 0xBB, 0xBF] + Array("x = q".utf8))
        #expect(d?.column == 5)
        #expect(d?.sourceLine == "x = q")
    }
}
