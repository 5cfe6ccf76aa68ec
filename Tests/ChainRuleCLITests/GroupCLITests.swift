import Foundation
import Testing

/// `chainrule draw` with groups and `--collapse`, through the real binary.
@Suite(.enabled(if: CLI.binary != nil, "needs the chainrule binary"))
struct GroupCLITests {
    let mlp = CLI.repository.appendingPathComponent("docs/gallery/mlp.graph").path

    @Test func collapseNeuronsDrawsBoxes() throws {
        let r = try CLI.run(["draw", mlp, "--collapse", "neurons"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "class=\"node collapsed&#45;group group&#45;neuron\"").count - 1 == 9)
        let dot = try CLI.run(["draw", mlp, "--collapse", "layers", "--format", "dot"])
        #expect(dot.stdout.contains("layer 3"))
    }

    @Test func inferredClustersByDefaultAndNoGroups() throws {
        let r = try CLI.run(["draw", mlp, "--format", "dot"])
        #expect(r.stdout.contains("subgraph \"cluster_0\""))
        let none = try CLI.run(["draw", mlp, "--format", "dot", "--no-groups"])
        #expect(!none.stdout.contains("cluster_"))
    }

    @Test func scriptGroupsAreDrawn() throws {
        let file = try CLI.scriptFile("x = 2\ngroup neuron {\n  w = 3\n  y = tanh(w * x)\n}\nL = y ^ 2\n")
        let r = try CLI.run(["draw", file.path, "--format", "dot"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("<I>neuron</I>"))
        let c = try CLI.run(["draw", file.path, "--collapse", "neurons", "--format", "dot"])
        #expect(c.stdout.contains("collapsed-group"))
    }

    @Test func collapseWithoutGroupsIsRefused() throws {
        let file = try CLI.scriptFile("x = 2\ny = x * x\n")
        let r = try CLI.run(["draw", file.path, "--collapse", "neurons"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("has no groups to fold"))
        #expect(r.stdout.isEmpty)
    }

    @Test func groupSyntaxErrorIsLocated() throws {
        let file = try CLI.scriptFile("x = 2\ngroup n1 {\n  y = x\n", name: "open.graph")
        let r = try CLI.run(["draw", file.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("open.graph:2:1: error: group 'n1' is never closed\n  group n1 {\n  ^"))
    }

    /// Two processes exporting a lesson whose figures have clusters write the
    /// same bytes. (cgraph ordered clusters by the heap addresses of their
    /// names, so two runs drew `neuron 1.1` and `neuron 1.2` in either order.)
    @Test func exportsWithClustersAreTheSameInEveryProcess() throws {
        let root = try Harden.temporaryDirectory("cluster-export")
        defer { try? FileManager.default.removeItem(at: root) }
        var trees: [[String: Data]] = []
        for run in 0..<2 {
            let out = root.appendingPathComponent("run\(run)")
            let r = try Harden.run(["export", "sigmoid-neuron", "--quiet", "-o", out.path])
            #expect(r.status == 0, "\(r.stderr)")
            var tree: [String: Data] = [:]
            for file in Harden.files(under: out) { tree[file] = try Data(contentsOf: out.appendingPathComponent(file)) }
            trees.append(tree)
        }
        #expect(trees[0].keys.sorted() == trees[1].keys.sorted())
        let differing = trees[0].keys.sorted().filter { trees[0][$0] != trees[1][$0] }
        #expect(differing.isEmpty, "\(differing)")
        #expect(trees[0].keys.contains { $0.hasSuffix("backward-2.pdf") })
    }
}
