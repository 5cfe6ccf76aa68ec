import Foundation
import Testing

/// Hardening (issue 8): extreme and non-finite numbers through the CLI —
/// the eval table, JSON, every figure format and the lesson text view.
@Suite struct NumericsCLITests {
    /// Softmax, sigmoid and the fused loss at ±1000 (finite), then log(0),
    /// log(−1) and 0·log(0), which are legitimately −inf and NaN.
    static let script = """
        z = [1000, -1000, 0]
        x = [0, 1, -1]
        s = softmax(z)
        g = sigmoid(z)
        l = log(x)
        m = l * 0
        t = [0, 1, 0]
        ce = softmax_cross_entropy(z, t)
        L = ce + sum(m)
        """

    @Test func stableAtPlusMinus1000() throws {
        let file = try CLI.scriptFile(Self.script)
        let r = try Harden.run(["eval", file.path, "--json"])
        #expect(r.exited && r.status == 0, "\(r)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let values = try #require(json["values"] as? [String: Any])
        let grads = try #require(json["grads"] as? [String: Any])
        #expect(values["s"] as? [Double] == [1, 0, 0])
        #expect(values["g"] as? [Double] == [1, 0, 0.5])
        #expect(values["ce"] as? Double == 2000)
        #expect(grads["z"] as? [Double] == [1, -1, 0])   // softmax(z) − t
    }

    @Test func nonFiniteInJSONAndTable() throws {
        let file = try CLI.scriptFile(Self.script)
        let json = try Harden.run(["eval", file.path, "--json"])
        #expect(json.exited && json.status == 0)
        // Still valid JSON: non-finite numbers are the strings "nan", "inf", "-inf".
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let values = try #require(object["values"] as? [String: Any])
        let l = try #require(values["l"] as? [Any])
        #expect(l[0] as? String == "-inf" && l[1] as? Double == 0 && l[2] as? String == "nan")
        #expect(values["L"] as? String == "nan")
        #expect(!json.stdout.contains("NaN") && !json.stdout.contains("Infinity"))

        let table = try Harden.run(["eval", file.path])
        #expect(table.exited && table.status == 0)
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("l ") })
        #expect(row.contains("−∞") && row.contains("NaN"), "\(row)")

        let inf = try CLI.scriptFile("x = 0\ny = recip(x)\n")
        let r = try Harden.run(["eval", inf.path, "--json"])
        #expect(r.exited && r.status == 0)
        #expect(r.stdout.contains("\"y\": \"inf\""), "\(r.stdout)")
    }

    /// Every figure format renders a graph full of NaN and ±inf; the SVG is
    /// well-formed and shows them as NaN and ∞.
    @Test(arguments: ["svg", "pdf", "png", "dot"])
    func nonFiniteFigures(format: String) throws {
        let dir = try Harden.temporaryDirectory("nanfig")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("nan.graph")
        try Harden.write(Self.script, to: script)
        for extra in [[], ["--expand"], ["--worksheet"], ["--theme", "print"]] {
            let out = dir.appendingPathComponent("nan.\(format)")
            let r = try Harden.run(["draw", script.path, "-o", out.path] + extra)
            #expect(r.exited && r.status == 0, "\(format) \(extra): \(r.stderr)")
            let data = try Data(contentsOf: out)
            #expect(data.count > 100)
            if format == "svg" {
                #expect(Harden.xmlError(data) == nil)
                let text = String(decoding: data, as: UTF8.self)
                if !extra.contains("--worksheet") {
                    #expect(text.contains("NaN"), "\(extra)")
                    #expect(text.contains("∞"), "\(extra)")
                }
            }
        }
    }

    /// The lesson text view shows non-finite values as such and goes on.
    @Test func nonFiniteInTheLessonTextView() throws {
        let dir = try Harden.temporaryDirectory("nanlesson")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lesson = dir.appendingPathComponent("01-nan.md")
        try Harden.write("# Logs of zero\n\n```graph\nx = 0\nw = -1\nl = log(x)\nn = log(w)\nL = l + n\n```\n", to: lesson)
        let r = try Harden.run(["lesson", lesson.path, "--no-pause"], directory: dir)
        #expect(r.exited && r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("log(x) = log(0) = −∞"), "\(r.stdout)")
        #expect(r.stdout.contains("NaN"))
        #expect(r.stdout.contains("end of lesson"))
        let out = dir.appendingPathComponent("out")
        let e = try Harden.run(["export", lesson.path, "--quiet", "-o", out.path], directory: dir)
        #expect(e.exited && e.status == 0, "\(e.stderr)")
        #expect(Harden.exportProblems(in: out) == [])
    }
}
