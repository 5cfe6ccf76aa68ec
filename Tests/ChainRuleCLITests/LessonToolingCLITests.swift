import Foundation
import Testing

/// Lessons ship inside the binary; `chainrule lint` and `> expect` catch
/// wrong numbers at file:line:col.
@Suite struct LessonToolingCLITests {
    /// A lesson folder in a temporary directory with one lesson file.
    private func lessonFolder(_ markdown: String, name: String = "01-draft.md") throws -> (dir: URL, file: URL) {
        let dir = try Harden.temporaryDirectory("lint")
        let file = dir.appendingPathComponent(name)
        try Data(markdown.utf8).write(to: file)
        return (dir, file)
    }

    @Test func copiedBinaryListsPlaysAndExportsFromRoot() throws {
        let bin = try Harden.binary
        let empty = try Harden.temporaryDirectory("copied")
        defer { try? FileManager.default.removeItem(at: empty) }
        let copy = empty.appendingPathComponent("chainrule")
        try FileManager.default.copyItem(atPath: bin, toPath: copy.path)
        let root = URL(fileURLWithPath: "/")
        let env = ["CHAINRULE_LESSONS": ""]
        let list = try Harden.run(["lessons"], executable: copy.path, environment: env, directory: root)
        #expect(list.status == 0, "\(list.stderr)")
        let ids = list.stdout.split(separator: "\n").filter { $0.first?.isNumber == true }
        #expect(ids.count >= 15)
        #expect(ids.first?.hasPrefix("01  apples") == true)
        #expect(list.stdout.contains("lessons: built into chainrule"))
        // Plays one with data (the digits CSV is built in too) and one without.
        let play = try Harden.run(["lesson", "apples"], executable: copy.path, environment: env, directory: root)
        #expect(play.status == 0 && play.stdout.contains("total = price × tax = 200 × 1.1 = 220"))
        let out = empty.appendingPathComponent("out")
        let export = try Harden.run(["export", "apples", "two-layer-net", "-o", out.path, "--format", "svg"],
                                    executable: copy.path, environment: env, directory: root)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("apples/index.html").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("two-layer-net/index.html").path))
        let lint = try Harden.run(["lint", "--strict"], executable: copy.path, environment: env, directory: root)
        #expect(lint.status == 0, "\(lint.stderr)")
        // --lessons DIR and $CHAINRULE_LESSONS override the built-in lessons, and say so.
        let (dir, _) = try lessonFolder("# Mine\n\n```graph\nx = 2\ny = x * x\n```\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let byOption = try Harden.run(["lessons", "--lessons", dir.path], executable: copy.path, environment: env, directory: root)
        #expect(byOption.stdout.hasPrefix("01  draft  Mine\n") && byOption.stdout.contains("from --lessons"))
        let byEnv = try Harden.run(["lesson", "draft"], executable: copy.path, environment: ["CHAINRULE_LESSONS": dir.path], directory: root)
        #expect(byEnv.status == 0 && byEnv.stdout.contains("y = x × x = 2 × 2 = 4"))
        let missing = try Harden.run(["lessons", "--lessons", "/no/such/folder"], executable: copy.path, environment: env, directory: root)
        #expect(missing.status == 1 && missing.stderr == "error: --lessons /no/such/folder: no such folder\n")
    }

    /// A lesson id with a typo gets "did you mean", from `lesson` and `export` alike.
    @Test func unknownLessonIdSuggestsTheNearestOne() throws {
        let play = try Harden.run(["lesson", "aples"])
        #expect(play.status == 1)
        #expect(play.stderr.hasPrefix("error: no lesson named 'aples' (lessons: apples, chain-rule,"), "\(play.stderr)")
        #expect(play.stderr.hasSuffix("\nnote: did you mean 'apples'?\n"), "\(play.stderr)")
        let out = try Harden.temporaryDirectory("export-typo")
        defer { try? FileManager.default.removeItem(at: out) }
        let export = try Harden.run(["export", "softmax-in-practise", "-o", out.path])
        #expect(export.status == 1)
        #expect(export.stderr.hasPrefix("error: no lesson named 'softmax-in-practise'"), "\(export.stderr)")
        #expect(export.stderr.hasSuffix("\nnote: did you mean 'softmax-in-practice'?\n"), "\(export.stderr)")
        #expect(Harden.files(under: out).isEmpty)
        // Nothing close: no guess.
        let far = try Harden.run(["lesson", "backprop"])
        #expect(far.status == 1 && !far.stderr.contains("did you mean"))
    }

    @Test func shippedLessonsPassLint() throws {
        let r = try Harden.run(["lint", "--strict", "Lessons"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.contains("0 with errors, 0 warnings"))
    }

    /// One failure of each kind, each at file:line:col with the line and a caret.
    @Test(arguments: [
        // unknown directive
        ("```graph\nx = 2\ny = x * 3\n```\n\n> expcet y = 6\n", "7:3: error: unknown directive 'expcet'\n"),
        // unknown name in a directive
        ("```graph\nx = 2\ny = x * 3\n```\n\n> expect q = 6\n", "7:10: error: no node named 'q' in the graph above"),
        // a wrong expectation
        ("```graph\nx = 2\ny = x * 3\n```\n\n> expect y = 6.5\n", "7:14: error: expected y = 6.5 ± 0.05, but the engine computes 6"),
        ("```graph\nx = 2\ny = x * 3\n```\n\n> expect grad x = 4 ± 0.5\n", "7:19: error: expected grad x = 4 ± 0.5, but the engine computes 3"),
        // a malformed expectation
        ("```graph\nx = 2\ny = x * 3\n```\n\n> expect y = six\n", "7:14: error: expected a number like 0.0989 or -2"),
        // a bad interpolation
        ("```graph\nx = 2\ny = x * 3\n```\n\nSo y is {{yy}} here.\n", "7:9: error: no node named 'yy' in the graph of this step\n"),
        ("```graph\nx = 2\ny = x * 3\n```\n\n> note forward y: it is {{grad}}\n", "7:25: error: no node named 'grad'"),
        ("```graph\nx = 2\ny = x * 3\n```\n\nUnclosed {{y here.\n", "7:10: error: unterminated '{{'"),
    ])
    func lintErrors(_ body: String, _ expected: String) throws {
        let (dir, file) = try lessonFolder("# Draft\n" + body)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Harden.run(["lint", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix(file.path + ":" + expected), "\(r.stderr)")
        #expect(r.stderr.contains("\n  > ") || r.stderr.contains("\n  So ") || r.stderr.contains("\n  Unclosed"))
        #expect(r.stderr.contains("^"))
        // The player refuses the same lesson with the same message.
        let play = try Harden.run(["lesson", file.path])
        #expect(play.status == 1 && play.stderr.hasPrefix(file.path + ":" + expected))
    }

    /// "Did you mean" is a `note:` line after the caret, as in script diagnostics.
    @Test(arguments: [
        ("> expcet y = 6\n", "  > expcet y = 6\n    ^\nnote: did you mean 'expect'?\nnote: directives: "),
        ("> expect yy = 6\n", "  > expect yy = 6\n           ^\nnote: did you mean 'y'?\n"),
        ("So y is {{yy}} here.\n", "  So y is {{yy}} here.\n          ^\nnote: did you mean 'y'?\n"),
    ])
    func lintSuggestionsAreNotes(_ line: String, _ expected: String) throws {
        let (dir, file) = try lessonFolder("# Draft\n```graph\nx = 2\ny = x * 3\n```\n\n" + line)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Harden.run(["lint", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(!r.stderr.contains("; did you mean"))
    }

    /// A number in the prose that looks like a node's value but is not: a warning
    /// (exit 0), an error with --strict; the player still plays it.
    @Test func proseNumberThatDiffersIsAWarning() throws {
        let (dir, file) = try lessonFolder("""
        # Draft

        With b = -7 the sum is z = -1, so ReLU blocks it.

        ```graph
        x = 5
        b = -7
        z = x + b
        y = relu(z)
        ```

        > note forward z: 5 − 7 = -2, negative.
        > note backward x: 1 × 0 = 1, blocked.
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Harden.run(["lint", file.path])
        #expect(r.status == 0)
        #expect(r.stderr.contains(file.path + ":3:28: warning: '-1' looks like z, but the engine gives −2"), "\(r.stderr)")
        #expect(r.stderr.contains(file.path + ":13:28: warning: '1' looks like the gradient of x, but the engine gives 0"), "\(r.stderr)")
        #expect(!r.stderr.contains(":12:"))  // 5 − 7 = -2 is right
        #expect(r.stdout.contains("1 lesson: 0 with errors, 2 warnings"))
        let strict = try Harden.run(["lint", "--strict", file.path])
        #expect(strict.status == 1)
        #expect(try Harden.run(["lesson", file.path]).status == 0)
    }

    /// `{{…}}` puts the engine's numbers into prose and notes, in the standard format.
    @Test func interpolationUsesTheEnginesNumbers() throws {
        let (dir, file) = try lessonFolder("""
        # Draft

        ```graph
        a1 = 1
        a2 = 2
        S = exp(a1) + exp(a2)
        r = recip(S)
        ```

        > note forward r: r = {{r}} and, to 3 digits, {{r:3}}.
        > note backward a1: ∂r/∂a1 = {{grad a1}}; check differs by {{check a1}}.
        > expect r = 0.098938
        > check
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Harden.run(["lesson", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        let s = 1 / (exp(1.0) + exp(2.0))
        #expect(r.stdout.contains("note: r = 0.098938 and, to 3 digits, 0.0989."))
        #expect(abs(0.098938 - s) < 5e-7)
        #expect(r.stdout.contains("note: ∂r/∂a1 = −0.0266085;"))
        #expect(abs(-s * s * exp(1.0) - -0.0266085) < 5e-8)
        #expect(r.stdout.contains("check differs by ") && !r.stdout.contains("{{"))
    }
}
