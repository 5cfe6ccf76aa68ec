import ChainRule
@testable import GraphScript
import Testing

/// The operations added through their definitions (docs/LANGUAGE.md §4,
/// Operations): values against formulas written out here, gradients against
/// central differences, over several shapes and broadcasts, and every error
/// at its token.
@Suite struct NewOperationTests {
    /// Central differences agree with backprop on every leaf.
    private func expectGradientsMatchFiniteDifferences(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let script = try compile(source)
        let comparisons = try GradientCheck.compare(output: script.output, in: script.graph)
        #expect(!comparisons.isEmpty, sourceLocation: sourceLocation)
        for c in comparisons {
            #expect(c.passed, "\(script.graph[c.leaf].name ?? "?"): backprop \(c.backprop.scalars) numerical \(c.numerical.scalars)",
                    sourceLocation: sourceLocation)
        }
    }

    private func values(_ source: String, _ name: String) throws -> (value: [Double], grad: [Double]?) {
        let script = try compile(source)
        let pass = try script.evaluate()
        let node = try #require(script.node(named: name))
        return (pass.forward.value(of: node).scalars, pass.gradient(of: node)?.scalars)
    }

    // MARK: maximum, minimum

    @Test(arguments: [
        "a = [0.3, -1.2, 2.5]\nb = [1.1, -2.0, 0.7]",          // same shape
        "a = [[0.3, -1.2, 2.5], [4, -3, 0.2]]\nb = [1.1, -2.0, 0.7]",  // row broadcast
        "a = [[0.3], [-1.2]]\nb = [[1.1, -2.0, 0.7]]",         // (2, 1) against (1, 3)
        "a = 0.4\nb = [[1.1, -2.0], [0.1, 0.9]]",              // scalar against a matrix
    ])
    func maximumAndMinimumMatchFiniteDifferences(_ leaves: String) throws {
        try expectGradientsMatchFiniteDifferences(leaves + "\nc = [[1, 2, 3], [4, 5, 6]]\nu = maximum(a, b)\nv = minimum(a, b)\nL = sum(u * u) + sum(v * exp(v))")
    }

    @Test func maximumAndMinimumValuesAndTies() throws {
        let source = "a = [1, 5, 2]\nb = [3, 5, -1]\nu = maximum(a, b)\nv = minimum(a, b)\nL = sum(u) + 10 * sum(v)"
        #expect(try values(source, "u").value == [3, 5, 2])
        #expect(try values(source, "v").value == [1, 5, -1])
        // At the tie (5, 5) each operand gets half of each gradient: 0.5 + 10 · 0.5.
        #expect(try values(source, "a").grad == [10, 5.5, 1])
        #expect(try values(source, "b").grad == [1, 5.5, 10])
    }

    // MARK: abs, leaky_relu

    @Test func absValuesAndDerivativeZeroAtZero() throws {
        #expect(try values("x = [-2, 0, 3.5]\ny = abs(x)", "y").value == [2, 0, 3.5])
        #expect(try values("x = [-2, 0, 3.5]\nw = [1, 2, 3]\nL = sum(abs(x) * w)", "x").grad == [-1, 0, 3])
        try expectGradientsMatchFiniteDifferences("x = [[-2, 0.5, 3.5], [1, -0.25, 4]]\nw = [1, 2, 3]\nL = sum(abs(x) * w)")
    }

    @Test func leakyReluValuesSlopeAtZeroAndFiniteDifferences() throws {
        #expect(try values("x = [-2, 0, 3]\ny = leaky_relu(x, 0.1)", "y").value == [-0.2, 0, 3])
        #expect(try values("x = [-2, 0, 3]\nL = sum(leaky_relu(x, 0.1))", "x").grad == [0.1, 0.1, 1])
        #expect(try values("x = [-2, 3]\nL = sum(leaky_relu(x, -0.5))", "x").grad == [-0.5, 1])
        // W @ x has no zero entry (a kink, where central differences average the two slopes).
        try expectGradientsMatchFiniteDifferences("x = [[-2, 0.5], [1.5, -0.75]]\nW = [[1, 2], [3, -4]]\nL = sum(leaky_relu(W @ x, 0.2) * x)")
    }

    // MARK: clip

    @Test func clipValuesAndGradientOnlyWhereNotClipped() throws {
        #expect(try values("x = [-2, 0.5, 3, 1]\ny = clip(x, 0, 1)", "y").value == [0, 0.5, 1, 1])
        // Inside [lo, hi] (the ends included) the gradient passes; outside it stops.
        #expect(try values("x = [-2, 0.5, 3, 1, 0]\nw = [1, 2, 3, 4, 5]\nL = sum(clip(x, 0, 1) * w)", "x").grad == [0, 2, 0, 4, 5])
        #expect(try values("p = [0, 0.3, 1]\ny = clip(p, 1e-7, 0.9999999)", "y").value == [1e-7, 0.3, 0.9999999])
        // No element at a corner (lo or hi), where central differences average the two slopes.
        try expectGradientsMatchFiniteDifferences("x = [[-2, 0.5, 3.5], [0.25, -0.25, 0.9]]\nw = [1, 2, 3]\nL = sum(square(clip(x, -0.5, 1) * w))")
        try expectGradientsMatchFiniteDifferences("p = [[0.2, 0.7, 0.1], [0.05, 0.15, 0.8]]\ndata t = [[0, 1, 0], [0, 0, 1]]\nL = -sum(t * log(clip(p, 0.1, 0.75))) / 2")
    }

    // MARK: log_softmax

    @Test(arguments: ["x = [0.5, -1, 2]", "x = [[0.5, -1, 2], [3, 0.1, -0.7]]", "x = [4]"])
    func logSoftmaxMatchesLogOfSoftmaxAndFiniteDifferences(_ leaf: String) throws {
        let direct = try values(leaf + "\ny = log_softmax(x)", "y").value
        let composed = try values(leaf + "\ny = log(softmax(x))", "y").value
        for (a, b) in zip(direct, composed) { #expect(Swift.abs(a - b) <= 1e-12) }
        try expectGradientsMatchFiniteDifferences(leaf + "\nw = 0.5 + x * x\nL = sum(log_softmax(x) * w)")
    }

    @Test func logSoftmaxIsStableForLargeInputs() throws {
        let y = try values("x = [1000, 0, -1000]\ny = log_softmax(x)", "y").value
        #expect(y == [0, -1000, -2000])
        let g = try values("x = [1000, 0, -1000]\nw = [1, 2, 3]\nL = sum(log_softmax(x) * w)", "x").grad!
        // ∂/∂x = w − softmax(x) · Σw = [1 − 6, 2, 3] for softmax ≈ (1, 0, 0).
        #expect(g.allSatisfy { $0.isFinite })
        #expect(Swift.abs(g[0] + 5) < 1e-12 && g[1] == 2 && g[2] == 3)
    }

    // MARK: pow

    @Test(arguments: [
        "x = [0.5, 1.5, 2.0]\ny = [2, -1, 0.5]",
        "x = [[0.5, 1.5], [2.0, 3.0]]\ny = 1.7",
        "x = 1.3\ny = [[0.5, 2], [3, -0.5]]",
        "x = [[0.5, 1.5]]\ny = [[1], [2.5]]",
    ])
    func powMatchesFiniteDifferences(_ leaves: String) throws {
        try expectGradientsMatchFiniteDifferences(leaves + "\nL = sum(pow(x, y) * 1.5)")
    }

    @Test func powValuesAndDerivatives() throws {
        let source = "x = [2, 9]\ny = [3, 0.5]\nL = sum(pow(x, y))"
        #expect(try values("x = [2, 9]\ny = [3, 0.5]\np = pow(x, y)", "p").value == [8, 3])
        // ∂/∂x = y·x^(y−1) = [12, 1/6]; ∂/∂y = x^y·log x = [8 log 2, 3 log 9].
        let gx = try values(source, "x").grad!, gy = try values(source, "y").grad!
        #expect(Swift.abs(gx[0] - 12) < 1e-12 && Swift.abs(gx[1] - 1.0 / 6) < 1e-12)
        #expect(Swift.abs(gy[0] - 8 * 0.6931471805599453) < 1e-12 && Swift.abs(gy[1] - 3 * 2.1972245773362196) < 1e-12)
        // At x = 0 and at y = 0 the derivatives are the limits, as in JAX: no NaN.
        let edge = "x = [0, 2]\ny = [2, 0]\nL = sum(pow(x, y))"
        #expect(try values(edge, "x").grad == [0, 0])
        #expect(try values(edge, "y").grad == [0, 0.6931471805599453])
        // The operator keeps its rule: a non-literal exponent is an error (pow is the function form).
        let d = try #require(diagnostic("x = 2\ny = 3\nz = x ^ y"))
        #expect((d.location.line, d.location.column) == (3, 9))
        #expect(d.message == "exponent must be a numeric literal")
    }

    // MARK: reshape, indexing

    @Test func reshapeIsRowMajorAndMatchesFiniteDifferences() throws {
        #expect(try values("x = [1, 2, 3, 4, 5, 6]\ny = reshape(x, 2, 3)", "y").value == [1, 2, 3, 4, 5, 6])
        let s = try compile("x = [[1, 2, 3], [4, 5, 6]]\ny = reshape(x, 3, 2)\nz = reshape(x, 6)")
        #expect(s.graph[s.node(named: "y")!].shape == [3, 2])
        #expect(s.graph[s.node(named: "z")!].shape == [6])
        try expectGradientsMatchFiniteDifferences("x = [[1, 2, 3], [4, 5, 6]]\nw = [0.5, -1]\nL = sum(sigmoid(reshape(x, 3, 2) @ w))")
        try expectGradientsMatchFiniteDifferences("x = [0.1, 0.2, 0.3, 0.4]\nW = [[1, 2], [3, 4]]\nL = sum(reshape(x, 2, 2) * W * reshape(x, 2, 2))")
    }

    @Test func indexingPicksAndScattersBack() throws {
        #expect(try values("v = [10, 20, 30]\ny = v[1]", "y").value == [20])
        #expect(try values("M = [[1, 2, 3], [4, 5, 6]]\nr = M[1]", "r").value == [4, 5, 6])
        #expect(try values("M = [[1, 2, 3], [4, 5, 6]]\ne = M[0, 2]", "e").value == [3])
        #expect(try values("M = [[1, 2, 3], [4, 5, 6]]\nw = [1, 2, 3]\nL = sum(M[1] * w) + M[0, 2] * 7", "M").grad == [0, 0, 7, 1, 2, 3])
        // Postfix indexing binds tightest: -v[0]^2 is -((v[0])^2).
        #expect(try values("v = [3, 4]\ny = -v[0]^2", "y").value == [-9])
        #expect(try values("v = [3, 4]\ny = (v * 2)[1]", "y").value == [8])
        try expectGradientsMatchFiniteDifferences("M = [[1, 2, 3], [4, 5, 6]]\nv = [0.5, -0.5, 2]\nL = M[1, 1] * sum(M[0] * v) + exp(v[2] / 4)")
    }

    // MARK: errors, each at its token

    @Test(arguments: [
        ("x = [1, 2, 3]\ny = reshape(x, 2, 2)", 2, 16, "cannot reshape shape (3,) (3 elements) into (2, 2) (4 elements)"),
        ("x = [1, 2]\ny = reshape(x, 0)", 2, 16, "a size must be a whole number literal of at least 1"),
        ("x = [1, 2]\nn = 2\ny = reshape(x, n)", 3, 16, "a size must be a whole number literal of at least 1"),
        ("x = [1, 2]\ny = reshape(x)", 2, 5, "reshape takes two or three arguments, got 1"),
        ("x = [1, 2]\ny = x[2]", 2, 7, "index 2 is out of range for axis 0 of length 2 (shape (2,))"),
        ("x = [[1, 2]]\ny = x[0, 5]", 2, 10, "index 5 is out of range for axis 1 of length 2 (shape (1, 2))"),
        ("x = [1, 2]\ny = x[0, 1]", 2, 10, "too many indices for a tensor of shape (2,) (it has 1 axis)"),
        ("x = 3\ny = x[0]", 2, 6, "cannot index a scalar"),
        ("x = [1, 2]\ny = x[-1]", 2, 7, "an index must be a whole number literal of at least 0, found '-'"),
        ("x = [1, 2]\ny = x[0.5]", 2, 7, "an index must be a whole number literal of at least 0, found '0.5'"),
        ("x = [[1, 2]]\ny = x[0, 0, 0]", 2, 13, "too many indices: tensors have at most two axes"),
        ("x = [1, 2]\ny = x[0", 2, 8, "expected ',' or ']' after the index, found end of line"),
        ("x = [1, 2]\ns = 0.1\ny = leaky_relu(x, s)", 3, 19, "slope must be a numeric literal"),
        ("x = [1, 2]\ny = leaky_relu(x)", 2, 5, "leaky_relu takes two arguments, got 1"),
        ("x = [1, 2]\nlo = 0\ny = clip(x, lo, 1)", 3, 13, "lo must be a numeric literal"),
        ("x = [1, 2]\ny = clip(x, 0, x)", 2, 16, "hi must be a numeric literal"),
        ("x = [1, 2]\ny = clip(x, 1, 0)", 2, 16, "hi must not be below lo (1)"),
        ("x = [1, 2]\ny = maximum(x, [1, 2])", 2, 16, "array literals are only allowed as the whole right side of an assignment"),
        ("a = [1, 2]\nb = [1, 2, 3]\ny = maximum(a, b)", 3, 5, "cannot apply maximum to shapes (2,) and (3,)"),
        ("a = [1, 2]\nb = [1, 2, 3]\ny = pow(a, b)", 3, 5, "cannot apply pow to shapes (2,) and (3,)"),
    ] as [(String, Int, Int, String)])
    func errorsPointAtTheirToken(_ source: String, _ line: Int, _ column: Int, _ message: String) throws {
        let d = try #require(diagnostic(source, file: "new.graph"))
        #expect(d.message == message)
        #expect((d.location.line, d.location.column) == (line, column), "\(d.rendered)")
        #expect(d.rendered.hasPrefix("new.graph:\(line):\(column): error: "))
    }

    @Test func newFunctionNamesStayAssignable() throws {
        // Added after the core language, so no older script changes meaning.
        let s = try compile("abs = 2\npow = 3\nreshape = abs * pow\ny = pow(abs, reshape)")
        #expect(try s.evaluate().forward.value(of: s.output).scalar == 64)
        #expect(diagnostic("exp = 2")?.message == "cannot assign to 'exp': it is a function")
    }
}
