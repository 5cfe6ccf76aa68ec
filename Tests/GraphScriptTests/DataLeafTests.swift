import ChainRule
@testable import GraphScript
import Testing

/// `data NAME = …`: leaves that take no gradient and that gradient checks skip.
@Suite struct DataLeafTests {
    private let squaredError = """
        x = [1, 2]
        w = [0.5, -0.25]
        data t = [1, 0]
        y = x * w
        L = sum(square(y - t))
        """

    @Test func dataLeafHasNoGradientAndOthersAreUnchanged() throws {
        let s = try compile(squaredError)
        let pass = try s.evaluate()
        let t = try #require(s.node(named: "t"))
        #expect(s.graph[t].isData && s.graph[t].kind == .leaf)
        #expect(pass.gradient(of: t) == nil)
        #expect(pass.forward.value(of: t).scalars == [1, 0])
        // The same script without `data` gives every other gradient unchanged.
        let plain = try compile(squaredError.replacingOccurrences(of: "data t", with: "t"))
        let plainPass = try plain.evaluate()
        #expect(plainPass.gradient(of: plain.node(named: "t")!) != nil)
        for name in ["x", "w", "y", "L"] {
            #expect(pass.gradient(of: s.node(named: name)!) == plainPass.gradient(of: plain.node(named: name)!), "\(name)")
        }
        // No edge record carries a gradient into a data leaf.
        #expect(!pass.edges.contains { $0.from == t })
    }

    @Test func gradientCheckSkipsDataLeaves() throws {
        let s = try compile(squaredError)
        let checked = try GradientCheck.compare(output: s.output, in: s.graph).map { s.graph[$0.leaf].name }
        #expect(checked == ["x", "w"])
    }

    @Test func initialisersAndExpansionKeepTheMark() throws {
        let s = try compile("data X = randn(2, 3, seed=1)\nW = ones(3, 2)\nL = sum(sigmoid(X @ W))")
        #expect(try s.evaluate().gradient(of: s.node(named: "X")!) == nil)
        let (e, map) = s.graph.expanded()
        #expect(e[map[s.node(named: "X")!.index]].isData)
    }

    @Test func dataStaysAnOrdinaryName() throws {
        // `data = …` assigns a name called data: its meaning is unchanged.
        let s = try compile("data = 2\ny = data * 3")
        #expect(try s.evaluate().gradient(of: s.node(named: "data")!)?.scalar == 3)
        let d = try compile("data data = [1, 2]\ny = sum(data)")
        #expect(try d.evaluate().gradient(of: d.node(named: "data")!) == nil)
    }

    @Test(arguments: [
        ("x = 2\ndata t = x + 1", 2, 10, "a data leaf needs a number, an array literal or an initialiser"),
        ("data t [1, 2]", 1, 8, "expected '=' after 't', found '['"),
        ("data 3 = 2", 1, 6, "expected '=' after 'data', found '3'"),
        ("data exp = 2", 1, 6, "cannot assign to 'exp': it is a function"),
        ("t = 1\ndata t = 2", 2, 6, "cannot reassign 't'"),
    ] as [(String, Int, Int, String)])
    func errorsPointAtTheirToken(_ source: String, _ line: Int, _ column: Int, _ message: String) throws {
        let d = try #require(diagnostic(source))
        #expect(d.message == message)
        #expect((d.location.line, d.location.column) == (line, column), "\(d.rendered)")
    }
}
