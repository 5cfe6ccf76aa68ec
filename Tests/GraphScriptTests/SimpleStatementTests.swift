import ChainRule
import Foundation
@testable import GraphScript
import TestSupport
import Testing

/// The paths for the commonest statements (`SimpleLine` straight from the
/// bytes; the parser's `parseSimpleExpression` and the builder's
/// `buildSimple` for `a op b`, `f(a)`, `y = x`) must give what the general
/// path gives: the same graph (nodes, values, names, sites, groups) or the
/// same diagnostic, byte for byte.
@Suite struct SimpleStatementTests {
    /// Compiles `bytes` with the simple path on or off and describes the
    /// result: every node, leaf value, site and name, or the diagnostic.
    private func outcome(_ bytes: [UInt8], simple: Bool) -> String {
        do {
            let script = try ScriptCompiler.compile(bytes, fileName: "t.graph", firstLine: 1, simpleStatements: simple)
            var lines: [String] = []
            for (k, node) in script.graph.nodes.enumerated() {
                lines.append("\(node) \(String(describing: script.graph.initialValues[k])) \(script.sites[k])")
            }
            lines.append("names \(script.names.map { "\($0.name)=\($0.node)" })")
            lines.append("output \(script.output) groups \(script.groups)")
            return lines.joined(separator: "\n")
        } catch {
            return "error: " + error.rendered
        }
    }

    private func expectSame(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        expectSame(bytes: Array(source.utf8), sourceLocation: sourceLocation)
    }

    private func expectSame(bytes: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(outcome(bytes, simple: true) == outcome(bytes, simple: false), "\(String(decoding: bytes, as: UTF8.self))",
                sourceLocation: sourceLocation)
    }

    @Test func tricky() {
        let prefix = "x = 2\nW = [[1, 2], [3, 4]]\nv = [1, 2]\n"
        let lines = [
            "y = x", "y = (x)", "y = q", "y = y", "y = relu", "y = 2 * x", "y = x * 2", "y = 2 * 3", "y = x - x",
            "y = x / 0", "y = x @ x", "y = W @ v", "y = W * v", "y = v * W", "y = W + x", "y = x ^ 2", "y = x ^ x",
            "y = x + q", "y = q + x", "y = 2 + q", "y = relu(x)", "y = relu(q)", "y = foo(x)", "y = relu(x) + 1",
            "y = sum(x)", "y = sum(v)", "y = sum(x, axis=0)", "y = leaky_relu(x)", "y = zeros(x)", "y = softmax(x)",
            "y = softmax(v)", "y = exp(W)", "y = relu(axis=x)", "y = relu(x, x)", "y = relu()", "y = x(x)", "y = x + ",
            "y = x $", "y = x + 1e999", "y = x +", "y = x + 1 # comment", "y = x + 1\r", "y =\tx\t*\t3", "y = x + x x",
            "y = x + (x)", "y = x[0]", "y = v[0] + x", "y = x + -1", "y = -x", "y = x + 1.5e3", "x = x + 1",
            "relu = x + 1", "sum = x", "data d = x", "data d = x + 1", "data d = relu(x)", "y = x + 1 + 2",
            "y = relu(relu(x))", "y = x * zeros", "y = ones(2)", "y = x + 1\nz = y * y\nw = relu(z)",
            "group g {\ny = x * x\n}\nz = y + 1", "y = x\n", "y = 1\nz = y", "y = x + 1 =", "y = x + ×",
            "y = tanh(x) @ W", "y = pow(x, x)", "y = maximum(x, x)", "y = cross_entropy(v, x)", "y = x +\u{0}",
        ]
        // Lines `SimpleLine` reads straight from the bytes, and near misses it must leave to the parser.
        let simpleLines = [
            "y=x*x", "y = 2.", "y = .5", "y = 1e", "y = 1e+", "y = 1e-3", "y = 2x", "y = 1..2", "y = 2.5.", "y = 007",
            "  y = x", "\t\ty = x + 1", "\n\n  \ny = x", "y = 1e999", "y = x\t ", "y = x * x\n$", "y = W @ x\n$",
            "y = x @ W\n×", "y = relu(x)\n\u{1}", "y = q\n$", "group = 2", "y = group", "data = 2\ny = data * 2",
            "y = " + String(repeating: "1", count: 1001), "é = 2", "y = é", "y_2 = x", "_y = x", "leaky_relu = 2",
            "relu = 2", "zeros = 2", "y = x +2", "y = x+-2", "y = relu (x)", "y = relu( x )", "y = relu(2)",
            "y = relu(x))", "y = 2(x)", "y = x # c", "y = 2 # c", "y = 2\r", "y = x\r\nz = y", "y = 1\ny = 2",
            "y = x + x\nx = 3", "y = ones + 1", "y = x ^ 2 ^ 2", "y = 2.5\nz = y * y * y",
        ]
        for line in lines + simpleLines {
            expectSame(prefix + line)
            expectSame(prefix + line + "\n")
        }
        // No trailing newline, first statement, empty remainder.
        expectSame("x = 2\ny = x * x")
        expectSame("y = x * x")
        expectSame("y = relu(x)")
    }

    /// `SimpleLine` takes the lines it is for (so the comparisons above do
    /// compare two paths) and leaves the others.
    @Test func simpleLinesAreRecognised() throws {
        func simple(_ s: String) throws -> Bool {
            var parser = try Parser(source: SourceText(bytes: Array(s.utf8), fileName: "t.graph", firstLine: 1),
                                    maxNestingDepth: 10, maxNodes: 100)
            return try parser.nextSimpleLine() != nil
        }
        for s in ["y = x * 2", "y = 2.5", "y = x", "y = relu(x)", "  y=x/x\n", "y = x\r\n", "\n\ny = 1e-3 @ b"] {
            #expect(try simple(s), "\(s)")
        }
        for s in ["y = x ^ 2", "y = -1", "y = x # c", "data y = 2", "y = f(x, 1)", "y = 1e", "group g {", "y = (x)", "}"] {
            #expect(try !simple(s), "\(s)")
        }
    }

    /// Every script the conformance suite, the examples and the lessons ship.
    @Test func shippedScripts() throws {
        var scripts: [[UInt8]] = []
        let fm = FileManager.default
        for folder in ["Tests/Conformance/cases", "Tests/Conformance/bad", "Examples"] {
            let url = Repository.root.appendingPathComponent(folder)
            for name in try fm.contentsOfDirectory(atPath: url.path) where name.hasSuffix(".graph") {
                scripts.append(Array(try Data(contentsOf: url.appendingPathComponent(name))))
            }
        }
        for name in try fm.contentsOfDirectory(atPath: Repository.lessons.path) where name.hasSuffix(".md") {
            let text = try String(contentsOf: Repository.lessons.appendingPathComponent(name), encoding: .utf8)
            for block in text.components(separatedBy: "```graph\n").dropFirst() {
                scripts.append(Array(block.components(separatedBy: "```")[0].utf8))
            }
        }
        #expect(scripts.count > 50)
        for script in scripts { expectSame(bytes: script) }
    }

    /// Random scripts of simple and not-quite-simple statements, names
    /// defined and not, and stray tokens.
    @Test func randomScripts() {
        var state: UInt64 = 0x5EED_0015
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let operands = ["a", "b", "c", "W", "v", "q", "2", "0.5", "1e3", "relu", "(a)", "-a", "x"]
        let operators = ["+", "-", "*", "/", "@", "^", "", "+ +", ","]
        let functions = ["relu", "exp", "tanh", "sum", "foo", "zeros", "leaky_relu", "a", "softmax"]
        for _ in 0..<300 {
            var lines = ["a = 1.5", "b = -2", "W = [[1, 2], [3, 4]]", "v = [1, 2]"]
            for k in 0..<8 {
                let name = ["c", "d\(k)", "a", "relu", "e\(k)"][next(5)]
                let rhs: String
                switch next(4) {
                case 0: rhs = operands[next(operands.count)]
                case 1: rhs = "\(functions[next(functions.count)])(\(operands[next(operands.count)]))"
                default: rhs = "\(operands[next(operands.count)]) \(operators[next(operators.count)]) \(operands[next(operands.count)])"
                }
                lines.append("\(name) = \(rhs)" + (next(6) == 0 ? " # note" : ""))
            }
            expectSame(lines.joined(separator: next(2) == 0 ? "\n" : "\r\n"))
        }
    }
}
