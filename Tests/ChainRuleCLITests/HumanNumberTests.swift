import Foundation
import Testing

/// One number format for people (issue 12.4), surface by surface: the
/// human-facing outputs of the real binary never write an ASCII hyphen-minus
/// as a number's sign (always `−`), and an entry that is zero up to rounding
/// prints `0` — while `eval --json` and `--format dot` keep every bit.
@Suite struct HumanNumberTests {
    /// A graph whose exact gradient for `s` is 0 but whose computed one is
    /// −2.22e−16 (shifting every score by `s` changes nothing), and whose `b`
    /// is 0.1 + 0.2 − 0.3 = 5.55e−17 instead of 0. Negative values and
    /// gradients everywhere else.
    static let noisy = """
        z = [0.3, 2.9, 4]
        s = 2.5
        u = z - s
        e = exp(u)
        S = sum(e)
        p = e / S
        t = [0, 1, 0]
        x = 0.1
        y = 0.2
        a = x + y
        b = a - 0.3
        L = cross_entropy(p, t) + b * 0 - 0.0001234 * x

        """

    /// Human text with an ASCII `-` right before a digit (a number written
    /// with the wrong sign), as `line: text` for the message.
    static func hyphenMinusNumbers(_ text: String) -> [String] {
        text.split(separator: "\n").filter { line in
            let c = Array(line)
            return c.indices.dropLast().contains { c[$0] == "-" && c[$0 + 1].isASCII && c[$0 + 1].isNumber }
        }.map(String.init)
    }

    @Test func evalTable() throws {
        let file = try CLI.scriptFile(Self.noisy)
        let r = try CLI.run(["eval", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.hyphenMinusNumbers(r.stdout).isEmpty, "\(Self.hyphenMinusNumbers(r.stdout))")
        #expect(r.stdout.contains("−"))
        let row = { (name: String) in r.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init) ?? "" }
        // ∂L/∂s is −2.2e−16 in floating point: shown as 0.
        #expect(row("s").hasSuffix("  0"), "\(row("s"))")
        // b = 0.1 + 0.2 − 0.3 = 5.55e−17: shown as 0.
        #expect(row("b").contains("()     0 "), "\(row("b"))")
        #expect(!r.stdout.contains("e−16") && !r.stdout.contains("e−17"))
        // A genuinely small gradient keeps its digits.
        #expect(row("x").contains("−1.234e−4"), "\(row("x"))")
        // JSON keeps the exact numbers and the ASCII minus.
        let json = try CLI.run(["eval", file.path, "--json"])
        #expect(json.stdout.contains("\"s\": -2.220446049250313e-16"))
        #expect(json.stdout.contains("\"b\": 5.551115123125783e-17"))
        #expect(!json.stdout.contains("−"))
    }

    @Test func checkTable() throws {
        let file = try CLI.scriptFile("x = -2\nw = -0.5\ny = x * w - 3\n")
        let r = try CLI.run(["check", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.hyphenMinusNumbers(r.stdout).isEmpty, "\(r.stdout)")
        #expect(r.stdout.contains("(h = 1e−5)"))
    }

    @Test func figureText() throws {
        let file = try CLI.scriptFile(Self.noisy)
        let svg = try CLI.run(["draw", file.path, "--format", "svg"])
        #expect(svg.status == 0, "\(svg.stderr)")
        let texts = Self.svgTexts(svg.stdout)
        #expect(!texts.isEmpty)
        #expect(Self.hyphenMinusNumbers(texts.joined(separator: "\n")).isEmpty)
        #expect(!texts.contains { $0.contains("e−16") || $0.contains("e−17") }, "\(texts.filter { $0.contains("e−1") })")
        #expect(texts.contains("−1.234e−4"))
        // --format dot is for machines: exact input text, ASCII allowed, never reformatted here.
        let dot = try CLI.run(["draw", file.path, "--format", "dot"])
        #expect(dot.status == 0 && dot.stdout.hasPrefix("digraph"))
    }

    @Test func lessonText() throws {
        let dir = try Harden.temporaryDirectory("human-numbers")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lesson = dir.appendingPathComponent("01-noise.md")
        try Harden.write("# Noise\n\nThe shift is -2.5 and 1e-7 is small; a range 1-2 stays.\n\n```graph\n\(Self.noisy)```\n\n> check\n",
                         to: lesson)
        let r = try Harden.run(["lesson", lesson.path, "--no-pause"], directory: dir)
        #expect(r.exited && r.status == 0, "\(r.stderr)")
        let bad = Self.hyphenMinusNumbers(r.stdout).filter { !$0.contains("range 1-2") }
        #expect(bad.isEmpty, "\(bad)")
        #expect(r.stdout.contains("shift is −2.5 and 1e−7"))
        // Before the gradient check (whose |backprop − numerical| column is a
        // real measurement), no value or gradient shows rounding noise.
        let steps = r.stdout.components(separatedBy: "gradient check · backprop vs numerical")[0]
        #expect(!steps.contains("e−16") && !steps.contains("e−17"))
        #expect(steps.contains("gradient ∂L/∂s 0"), "the noise gradient of s reads 0")
        #expect(steps.contains("    = 0   (the value was broadcast"))
    }

    /// The text inside `<text>` elements, entities decoded.
    static func svgTexts(_ svg: String) -> [String] {
        var out: [String] = []
        var rest = Substring(svg)
        while let open = rest.range(of: "<text") {
            guard let gt = rest[open.upperBound...].firstIndex(of: ">"),
                  let close = rest[gt...].range(of: "</text>") else { break }
            let inner = String(rest[rest.index(after: gt)..<close.lowerBound])
            out.append(inner.replacingOccurrences(of: "&#45;", with: "-").replacingOccurrences(of: "&amp;", with: "&")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">"))
            rest = rest[close.upperBound...]
        }
        return out
    }
}

/// Help reads well at 80 columns (issue 12.6): hand-wrapped, no line wider
/// than 80, file lists and usage lines not broken into stray words; and
/// `--version` names chainrule's and Graphviz's versions.
@Suite struct HelpTextTests {
    @Test(arguments: ["", "eval", "check", "draw", "lessons", "lesson", "export", "doctor"])
    func helpFitsEightyColumns(_ command: String) throws {
        let r = try Harden.run((command.isEmpty ? [] : [command]) + ["--help"], environment: ["COLUMNS": "80"])
        #expect(r.status == 0)
        for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(line.count <= 80, "\(command) --help: \(line.count) columns: \(line)")
        }
    }

    @Test func exportFileListStaysTogether() throws {
        let r = try Harden.run(["export", "--help"], environment: ["COLUMNS": "80"])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("  NN-<pass>-<node>.svg      every step as a figure (nodes never move)"))
        #expect(lines.contains("                            (←/→, Home/End, #step)"))
        // No stray fragments of a wrapped file list (what 80 columns used to show).
        for fragment in ["never move)", "passes", "#step)"] {
            #expect(!lines.contains { $0.trimmingCharacters(in: .whitespaces) == fragment }, "stray line: \(fragment)")
        }
    }

    @Test func version() throws {
        let r = try Harden.run(["--version"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("chainrule ") == true)
        #expect(lines.last?.range(of: #"^Graphviz [0-9]+\.[0-9]+"#, options: .regularExpression) != nil, "\(r.stdout)")
    }
}
