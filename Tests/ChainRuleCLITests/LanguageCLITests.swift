import Foundation
import Testing

/// The language additions end to end through the real binary: data leaves
/// in `eval --json` and `check`, the new operations, and located errors.
@Suite struct LanguageCLITests {
    @Test func dataLeafIsNullInJSONAndSkippedByCheck() throws {
        let url = try CLI.scriptFile("x = [1, 2]\nw = [0.5, -0.25]\ndata t = [1, 0]\nL = sum(square(x * w - t))\n")
        let eval = try CLI.run(["eval", url.path, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        let grads = try #require(json["grads"] as? [String: Any])
        #expect(grads["t"] is NSNull)
        // L = (0.5 − 1)² + (−0.5 − 0)²; ∂L/∂w = 2·(x·w − t)·x = [−1, −2].
        #expect(grads["w"] as? [Double] == [-1, -2])
        let check = try CLI.run(["check", url.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("data (no gradient)") && check.stdout.contains("2 leaves checked"), "\(check.stdout)")
    }

    @Test func newOperationsEvaluate() throws {
        let url = try CLI.scriptFile("""
            M = [[1, -2, 3], [-4, 5, -6]]
            r = reshape(M, 3, 2)
            e = M[1, 2]
            m = maximum(abs(M[0]), leaky_relu(M[1], 0.5))
            L = sum(log_softmax(r)[0]) + pow(e * e, 0.5) + sum(m)
            """)
        let eval = try CLI.run(["eval", url.path, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        let values = try #require(json["values"] as? [String: Any])
        #expect(values["e"] as? Double == -6)
        #expect(values["m"] as? [Double] == [1, 5, 3])
        let check = try CLI.run(["check", url.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func badIndexIsAnErrorAtTheIndex() throws {
        let url = try CLI.scriptFile("v = [1, 2, 3]\ny = v[3]\n", name: "index.graph")
        let run = try CLI.run(["eval", url.path])
        #expect(run.status != 0)
        #expect(run.stderr.hasPrefix("\(url.path):2:7: error: index 3 is out of range for axis 0 of length 3"), "\(run.stderr)")
        #expect(run.stderr.contains("  y = v[3]\n        ^"))
    }
}
