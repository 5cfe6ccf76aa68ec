import ChainRule
import Foundation
@testable import GraphScript
import TestSupport
import Testing

/// The parser's and builder's path for the commonest statements (`a op b`,
/// `f(a)`, `y = x`) must give what the general path gives: the same graph
/// (nodes, values, names, sites, groups) or the same diagnostic, byte for byte.
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
        for line in lines {
            expectSame(prefix + line)
            expectSame(prefix + line + "\n")
        }
        // No trailing newline, first statement, empty remainder.
        expectSame("x = 2\ny = x * x")
        expectSame("y = x * x")
        expectSame("y = relu(x)")
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
