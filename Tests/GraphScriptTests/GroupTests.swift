import ChainRule
import Foundation
@testable import GraphScript
import Testing

/// `group NAME { … }` blocks: what they group, and their errors.
@Suite struct GroupSyntaxTests {
    func names(_ script: Script, _ nodes: [NodeID]) -> [String] { nodes.compactMap { script.graph[$0].name } }

    @Test func statementsOfABlockAreItsNodes() throws {
        let script = try compile("""
            x = 2
            group layer1 {
              group n1 {
                w = 3
                y = tanh(w * x + 1)
              }
              group n2 {
                v = -1
                z = tanh(v * x)
              }
            }
            L = y + z
            """)
        let groups = script.groups.groups
        #expect(groups.map(\.name) == ["layer1", "n1", "n2"])
        #expect(groups.map(\.parent) == [nil, 0, 0])
        // A block's nodes: every node its statements create (constants and unnamed steps too).
        #expect(names(script, groups[1].nodes) == ["w", "y"])
        #expect(groups[1].nodes.count == 5)  // w, ×, the constant 1, +, tanh (y)
        #expect(names(script, groups[2].nodes) == ["v", "z"])
        #expect(groups[0].nodes.isEmpty)
        #expect(script.groups.members(of: 0).count == groups[1].nodes.count + groups[2].nodes.count)
        #expect(script.groups.group(of: script.node(named: "x")!) == nil)
        #expect(script.groups.group(of: script.node(named: "L")!) == nil)
        #expect(script.groups.folded(at: .neurons) == [1, 2])
        #expect(script.groups.folded(at: .layers) == [0])
    }

    @Test func groupsDoNotChangeValuesOrGradients() throws {
        let plain = try compile("x = 2\nw = 3\ny = w * x\nL = y ^ 2")
        let grouped = try compile("x = 2\ngroup g {\n  w = 3\n  y = w * x\n}\nL = y ^ 2")
        let a = try plain.evaluate(), b = try grouped.evaluate()
        for name in ["x", "w", "y", "L"] {
            #expect(a.gradient(of: plain.node(named: name)!) == b.gradient(of: grouped.node(named: name)!))
        }
        #expect(plain.groups.isEmpty)
    }

    /// `group` stays an ordinary name everywhere else (the rest of docs/LANGUAGE.md is unchanged).
    @Test func groupIsStillAName() throws {
        let script = try compile("group = 2\ngroups = group * 3\ny = groups + group")
        #expect(script.groups.isEmpty)
        #expect(try script.evaluate().gradient(of: script.node(named: "group")!)?.scalar == 4)
    }

    @Test func commentsAndBlankLinesInsideBlocks() throws {
        let script = try compile("x = 1  # input\ngroup a {   # a neuron\n\n  y = x * 2\n}   # done\nz = y")
        #expect(script.groups.groups.count == 1)
        #expect(names(script, script.groups.groups[0].nodes) == ["y"])
    }

    @Test func errorsAreLocated() {
        func expectError(_ source: String, _ line: Int, _ column: Int, _ message: String,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            guard let d = diagnostic(source) else { Issue.record("expected an error", sourceLocation: sourceLocation); return }
            #expect((d.line, d.column, d.message) == (line, column, message), sourceLocation: sourceLocation)
        }
        expectError("x = 1\ngroup n1 {\n  y = x\n", 2, 1, "group 'n1' is never closed")
        expectError("x = 1\n}\n", 2, 1, "unexpected '}' without an open group")
        expectError("x = 1\ngroup a {\ny = x\n}\ngroup a {\nz = y\n}", 5, 7, "group 'a' is already defined")
        expectError("group a b\nx = 1", 1, 9, "expected '{' after 'group a', found 'b'")
        expectError("group {\nx = 1\n}", 1, 7, "expected a group name after 'group'")
        expectError("group a { x = 1\n}", 1, 11, "expected end of line after '{', found 'x'")
        expectError("group a {\nx = 1\n} y = x", 3, 3, "expected end of line after '}', found 'y'")
        expectError("x = {1}", 1, 5, "expected an expression, found '{'")
        expectError("x = 1 }", 1, 7, "expected an operator or end of line, found '}'")
        let deep = (0...Parser.maxGroupDepth).map { "group g\($0) {\n" }.joined() + "x = 1\n"
        expectError(deep, Parser.maxGroupDepth + 1, 1, "groups nest too deeply (more than \(Parser.maxGroupDepth) levels)")
    }

    /// Many groups compile in linear time (names are looked up, not searched).
    @Test func manyGroups() throws {
        let text = (0..<5_000).map { "group g\($0) {\nx\($0) = \($0)\n}" }.joined(separator: "\n")
        let script = try compile(text)
        #expect(script.groups.groups.count == 5_000)
        #expect(script.groups.group(of: script.node(named: "x4999")!) == 4_999)
    }

    @Test func renderedDiagnosticHasCaret() throws {
        let d = try #require(diagnostic("x = 1\ngroup n1 {\ny = x\n", file: "mlp.graph"))
        #expect(d.rendered.hasPrefix("mlp.graph:2:1: error: group 'n1' is never closed\n  group n1 {\n  ^"))
    }
}

/// Neurons and layers inferred from micrograd's MLP(2, [4, 4, 1]) written
/// with anonymous temporaries (docs/gallery/mlp.graph).
@Suite struct GroupInferenceTests {
    static let mlpPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/gallery/mlp.graph").standardized.path

    func mlp() throws -> Script {
        let text = try String(contentsOfFile: Self.mlpPath, encoding: .utf8)
        return try compile(text, file: "mlp.graph")
    }

    /// `t<a>` … `t<b>`.
    func temporaries(_ range: ClosedRange<Int>) -> Set<String> { Set(range.map { "t\($0)" }) }

    @Test func neuronsAndLayersOfTheMLP() throws {
        let script = try mlp()
        let inferred = script.graph.inferredGroups()
        let layers = inferred.children(of: nil)
        #expect(layers.map { inferred.groups[$0].name } == ["layer 1", "layer 2", "layer 3"])
        #expect(layers.map { inferred.children(of: $0).count } == [4, 4, 1])
        func members(_ g: Int) -> Set<String> { Set(inferred.members(of: g).compactMap { script.graph[$0].name }) }
        let neurons = layers.flatMap { inferred.children(of: $0) }
        #expect(neurons.map { inferred.groups[$0].name } ==
                ["neuron 1.1", "neuron 1.2", "neuron 1.3", "neuron 1.4", "neuron 2.1", "neuron 2.2", "neuron 2.3", "neuron 2.4", "neuron 3.1"])
        // Layer 1 neurons: 2 weights, a bias, 2 products, 2 sums, tanh (8 nodes each, t2…t33).
        for k in 0..<4 { #expect(members(neurons[k]) == temporaries(2 + 8 * k ... 9 + 8 * k)) }
        // Layer 2: 4 weights, a bias, 4 products, 4 sums, tanh (14 each, t34…t89).
        for k in 0..<4 { #expect(members(neurons[4 + k]) == temporaries(34 + 14 * k ... 47 + 14 * k)) }
        #expect(members(neurons[8]) == temporaries(90...103))
        // The inputs and the loss belong to no neuron.
        for name in ["t0", "t1", "t104", "t105"] {
            #expect(inferred.group(of: script.node(named: name)!) == nil, "\(name)")
        }
        #expect(inferred.folded(at: .neurons) == neurons)
        #expect(inferred.folded(at: .layers) == layers)
    }

    @Test func aLoneNeuronIsNotGrouped() throws {
        let script = try compile("x = 1\nw = 2\nb = 0.5\ny = tanh(w * x + b)")
        #expect(script.graph.inferredGroups().isEmpty)
    }

    @Test func neuronsWithDifferentInputsAreDifferentLayers() throws {
        let script = try compile("""
            x = 1
            a = 0.5
            b = -0.5
            h1 = relu(a * x)
            h2 = relu(b * x)
            c = 2
            y = sigmoid(c * h1 + h2)
            """)
        let inferred = script.graph.inferredGroups()
        #expect(inferred.children(of: nil).map { inferred.children(of: $0).count } == [2, 1])
        // `c` feeds only the last neuron: it sits in it.
        #expect(inferred.group(of: script.node(named: "c")!) == inferred.group(of: script.node(named: "y")!))
    }

    /// A long chain of activations finishes fast: the walk is linear-logarithmic.
    @Test func manyNeuronsStayLinear() throws {
        var lines = ["x = 0.1"]
        for k in 0..<3000 { lines.append("w\(k) = 0.5"); lines.append("h\(k) = tanh(w\(k) * \(k == 0 ? "x" : "h\(k - 1)"))") }
        let script = try compile(lines.joined(separator: "\n"))
        let inferred = script.graph.inferredGroups()
        #expect(inferred.groups.filter { $0.kind == .neuron }.count == 3000)
    }
}
