import GraphScript
import Testing

/// Every error class of docs/LANGUAGE.md §7: message, line and column.
@Suite struct DiagnosticTests {
    func expectError(_ source: String, _ line: Int, _ column: Int, _ message: String,
                     notes: [String]? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let d = diagnostic(source) else {
            Issue.record("expected an error", sourceLocation: sourceLocation)
            return
        }
        #expect(d.line == line, sourceLocation: sourceLocation)
        #expect(d.column == column, sourceLocation: sourceLocation)
        #expect(d.message == message, sourceLocation: sourceLocation)
        if let notes { #expect(d.notes == notes, sourceLocation: sourceLocation) }
    }

    @Test func designExampleRendering() throws {
        let d = try #require(diagnostic("W = [[1, 2, 3], [4, 5, 6]]\nx = [1, 2]\ny = W * x\n", file: "neuron.graph"))
        #expect(d.rendered.hasPrefix("""
            neuron.graph:3:7: error: cannot multiply shapes (2, 3) and (2,)
              y = W * x
                    ^
            """))
        #expect(d.rendered.contains("\nnote: '*' multiplies elementwise; use '@' for a matrix product"))
    }

    @Test func unknownName() {
        expectError("x = 2\ny = x * z\n", 2, 9, "cannot find 'z' in scope", notes: [])
        expectError("alpha = 1\ny = alpah * 2", 2, 5, "cannot find 'alpah' in scope", notes: ["did you mean 'alpha'?"])
        expectError("x = 1\ny = exp + x", 2, 5, "'exp' is a function; call it as exp(x)")
        expectError("x = 1\ny = x * w\n\n  w = 2", 2, 9, "cannot find 'w' in scope",
                    notes: ["'w' is assigned later, on line 4; assign a name before using it"])
    }

    @Test func reassignment() {
        expectError("x = 2\ny = x + 1\nx = 3\n", 3, 1, "cannot reassign 'x'",
                    notes: ["'x' was assigned on line 1; every name is assigned once"])
        expectError("sum = 2", 1, 1, "cannot assign to 'sum': it is a function")
    }

    @Test func unexpectedCharactersAndTokens() {
        expectError("x = 2 $ 3", 1, 7, "unexpected character '$'")
        expectError("x = 1 # é\ny = x + ü", 2, 9, "unexpected character 'ü' (U+00FC)")
        expectError("x = 1\ny = x × 2", 2, 7, "unexpected character '×' (U+00D7)", notes: ["did you mean '*'?"])
        expectError("x = 1\ny = x )", 2, 7, "unexpected ')' without a matching '('")
        expectError("x = 1\ny = x 2", 2, 7, "expected an operator or end of line, found '2'")
        expectError("x = 1\ny = x +", 2, 8, "expected an expression, found end of line")
        expectError("x = 1\ny = x ** 2", 2, 8, "expected an expression, found '*'", notes: ["use '^' for powers: x ^ 2"])
        expectError("y x", 1, 3, "expected '=' after 'y', found 'x'")
        expectError("2 = x", 1, 1, "expected a name at the start of a statement, found '2'")
        expectError("x =", 1, 4, "expected an expression after '='")
        expectError("x = 1\ny = (x + 2 * (x - 1)", 2, 21, "expected ')' to close the '('", notes: ["to match the '(' at 2:5"])
        expectError("x = 1\ny = exp(x", 2, 10, "expected ')' to close the call to 'exp'")
        expectError("x = 1\ny = (x, x)", 2, 7, "unexpected ',' inside parentheses")
    }

    @Test func numberOutOfRange() {
        expectError("x = 2\ny = x * 1e999\n", 2, 9, "number out of range")
        expectError("x = 1e999", 1, 5, "number out of range")
        expectError("x = -1e400", 1, 6, "number out of range")
    }

    @Test func arrays() {
        expectError("x = 1\ny = x * [1, 2]", 2, 9, "array literals are only allowed as the whole right side of an assignment")
        expectError("W = [[1, 2, 3], [4, 5]]\nx = sum(W)\n", 1, 17, "ragged array: row 2 has 2 elements but row 1 has 3")
        expectError("# empty\nx = []\n", 2, 5, "empty array literal")
        expectError("x = [[]]", 1, 6, "empty array literal")
        expectError("x = [[[1]]]", 1, 7, "array literals have at most two dimensions")
        expectError("x = [1, [2]]", 1, 9, "cannot mix numbers and rows in an array literal")
        expectError("x = [[1], 2]", 1, 11, "cannot mix numbers and rows in an array literal")
        expectError("a = 1\nx = [a, 2]", 2, 6, "array elements must be number literals, found 'a'")
        expectError("x = [1, 2", 1, 10, "expected ']' to close the array")
        expectError("x = [1, 2] + 1", 1, 12, "unexpected '+' after the array literal")
    }

    @Test func shapes() {
        expectError("A = [[1, 2], [3, 4]]\nB = [[1, 2, 3]]\nC = A @ B\n", 3, 7,
                    "cannot matrix-multiply shapes (2, 2) and (1, 3): inner dimensions 2 and 1 differ")
        expectError("x = 2\nv = [1, 2]\ny = x @ v", 3, 7,
                    "cannot matrix-multiply a scalar: shapes () and (2,); use * instead")
        expectError("a = [1, 2]\nb = [1, 2, 3]\nc = a + b", 3, 7, "cannot add shapes (2,) and (3,)")
    }

    @Test func axes() {
        expectError("v = [1, 2, 3]\ns = sum(v, axis=1)\n", 2, 17,
                    "axis 1 is out of range for a tensor of shape (3,) (it has 1 axis)")
        expectError("x = 2\ns = mean(x, axis = 0)", 2, 20,
                    "axis 0 is out of range for a scalar (it has 0 axes)")
        expectError("v = [1, 2]\ns = sum(v, axis=2)", 2, 17, "axis must be 0 or 1")
        expectError("v = [1, 2]\ns = sum(v, axis=v)", 2, 17, "axis must be 0 or 1")
        expectError("v = [1, 2]\ns = sum(v, axes=0)", 2, 12, "sum has no argument named 'axes'", notes: ["did you mean 'axis'?"])
        expectError("v = [1, 2]\ns = exp(v, axis=0)", 2, 12, "exp has no argument named 'axis'")
        expectError("v = [1, 2]\ns = sum(v, axis=0, axis=0)", 2, 20, "argument 'axis' is given twice")
    }

    @Test func functions() {
        expectError("x = 0.5\ny = cosh(x)\n", 2, 5, "unknown function 'cosh'")
        expectError("x = 0.5\ny = sume(x)", 2, 5, "unknown function 'sume'", notes: ["did you mean 'sum'?"])
        expectError("x = 0.5\ny = x(2)", 2, 5, "'x' is not a function")
        expectError("x = 0.5\ny = exp(x, x)", 2, 5, "exp takes one argument, got 2", notes: ["call it as exp(x)"])
        expectError("x = [0.5, 1]\ny = cross_entropy(x)", 2, 5, "cross_entropy takes two arguments, got 1")
        expectError("x = 1\ny = zeros(2) * x", 2, 5, "zeros(…) creates a leaf, so it must be the whole right side of an assignment")
    }

    @Test func exponentMustBeALiteral() {
        expectError("x = 2\ny = x ^ x", 2, 9, "exponent must be a numeric literal")
        expectError("x = 2\ny = x ^ (2 + 1)", 2, 9, "exponent must be a numeric literal")
        expectError("x = 2\ny = x ^ 2 ^ 3", 2, 9, "exponent must be a numeric literal")
    }

    @Test func classLabels() throws {
        expectError("z = [[1, 2, 3], [0, 1, 0]]\nt = [2, 3]\nL = softmax_cross_entropy(z, t)\n", 3, 5,
                    "class label 3 is out of range: labels must be whole numbers in [0, 3)")
        expectError("p = [0.2, 0.8]\nt = 0.5\nL = cross_entropy(p, t)", 3, 5,
                    "class label 0.5 is out of range: labels must be whole numbers in [0, 2)")
        expectError("p = [0.2, 0.8]\nt = -1\nL = cross_entropy(p, t)", 3, 5,
                    "class label -1 is out of range: labels must be whole numbers in [0, 2)")
        expectError("p = [0.2, 0.8]\nt = [1, 0, 0]\nL = cross_entropy(p, t)", 3, 22,
                    "cross_entropy target of shape (3,) does not fit predictions of shape (2,); expected (2,) (one-hot) or () (class indices)")
    }

    @Test func emptyScript() {
        expectError("", 1, 1, "empty script: expected at least one assignment such as 'x = 2'")
        expectError("\n  # only a comment\n\t\n", 1, 1, "empty script: expected at least one assignment such as 'x = 2'")
    }

    @Test func invalidUTF8AndNUL() throws {
        let bad = try #require(diagnostic(bytes: Array("x = 2 ".utf8) + [0xFF, 0xFE, 0x0A] + Array("y = x\n".utf8)))
        #expect((bad.line, bad.column, bad.message) == (1, 7, "invalid UTF-8 byte 0xFF"))
        let afterAccent = try #require(diagnostic(bytes: Array("x = 1\n# é".utf8) + [0xC3]))
        #expect((afterAccent.line, afterAccent.column) == (2, 4))
        let nul = try #require(diagnostic(bytes: Array("x = 1".utf8) + [0] + Array(" + 2".utf8)))
        #expect((nul.line, nul.column, nul.message) == (1, 6, "unexpected NUL byte"))
        let nulInComment = try #require(diagnostic(bytes: Array("x = 1 #".utf8) + [0]))
        #expect(nulInComment.message == "unexpected NUL byte")
    }

    @Test func tabsCountAsOneColumnAndLineUpTheCaret() throws {
        let d = try #require(diagnostic("x = 1\n\ty =\tx * z", file: "tab.graph"))
        #expect((d.line, d.column) == (2, 10))
        #expect(d.rendered.hasPrefix("tab.graph:2:10: error: cannot find 'z' in scope\n  \ty =\tx * z\n  \t   \t    ^"))
    }

    @Test func firstLineOffset() throws {
        let d = try #require(diagnostic("x = 1\n\ny = x + q", file: "lesson.md", firstLine: 12))
        #expect((d.line, d.column, d.sourceLine) == (14, 9, "y = x + q"))
        #expect(d.rendered.hasPrefix("lesson.md:14:9: error: cannot find 'q' in scope\n  y = x + q\n          ^"))
        let empty = try #require(diagnostic("# nothing", file: "lesson.md", firstLine: 7))
        #expect(empty.line == 7)
        let label = try #require(diagnostic("p = [0.5, 0.5]\nt = 2\nL = cross_entropy(p, t)", firstLine: 20))
        #expect((label.line, label.sourceLine) == (22, "L = cross_entropy(p, t)"))
    }

    @Test func crlfLineEndings() throws {
        let d = try #require(diagnostic("x = 1\r\ny = z\r\n"))
        #expect((d.line, d.column, d.sourceLine) == (2, 5, "y = z"))
    }
}
