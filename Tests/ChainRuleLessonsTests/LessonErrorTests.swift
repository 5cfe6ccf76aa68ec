import ChainRule
import ChainRuleLessons
import ChainRulePlayer
import Foundation
import Testing

/// Bad lesson input gives an error located in the Markdown file, never a crash.
@Suite struct LessonErrorTests {
    let good = """
    # Test

    Some prose.

    ```graph
    x = 2
    y = x * x
    ```

    """

    @Test func unknownDirective() throws {
        let e = try #require(lessonError(good + "> nte backward x: hello\n"))
        #expect(e.line == 9 && e.column == 3)
        #expect(e.rendered.hasPrefix("Lessons/99-test.md:9:3: error: unknown directive 'nte'\n  > nte backward x: hello\n    ^\n"))
        // "Did you mean" is a note, as in script diagnostics.
        #expect(e.notes.first == "did you mean 'note'?")
        #expect(e.rendered.contains("\n    ^\nnote: did you mean 'note'?\nnote: directives: note, ask,"))
    }

    @Test func brokenGraphBlockPointsAtTheMarkdownLine() throws {
        let md = "# T\n\ntext\n\n```graph\nx = 2\ny = x * * 3\n```\n"
        let e = try #require(lessonError(md))
        #expect(e.line == 7)
        #expect(e.column == 9)
        #expect(e.sourceLine == "y = x * * 3")
        #expect(e.rendered.hasPrefix("Lessons/99-test.md:7:9: error:"))
    }

    @Test func unknownNameInGraphBlock() throws {
        let e = try #require(lessonError("# T\n```graph\nx = 2\n\ny = z + x\n```\n"))
        #expect(e.line == 5 && e.column == 5)
    }

    @Test func missingDataFile() throws {
        let e = try #require(lessonError(good + "> data nowhere/missing.csv: label=label\n"))
        #expect(e.line == 9 && e.column == 8)
        #expect(e.message.contains("data file 'nowhere/missing.csv' not found"))
    }

    @Test func unknownNode() throws {
        let e = try #require(lessonError(good + "> note forward z: hello\n"))
        #expect(e.line == 9 && e.column == 16)
        #expect(e.message.hasPrefix("no node named 'z' in the graph above"))
        let near = try #require(lessonError(good + "> note backward xx: hello\n"))
        #expect(near.notes == ["did you mean 'x'?"] && !near.message.contains("did you mean"))
        #expect(near.rendered.hasSuffix("^\nnote: did you mean 'x'?"))
    }

    @Test func malformedDirectives() throws {
        let cases: [(String, Int, String)] = [
            ("> note sideways x: hi", 8, "expected 'forward' or 'backward'"),
            ("> note forward y", 17, "expected ':'"),
            ("> ask forward x: why?", 15, "'x' is an input"),
            ("> check z", 9, "no node named 'z'"),
            ("> check y", 9, "not an input"),
            ("> check x h=-1", 11, "positive step"),
            ("> expand y", 10, "not a fused operation"),
            ("> batch X", 3, "two leaf names"),
            ("> batch x y", 3, "needs a '> data FILE"),
            ("> train x: lr=fast", 15, "positive learning rate"),
            ("> train x: speed=3", 12, "unknown option 'speed'"),
            ("> data", 7, "needs a CSV file name"),
            ("> ", 0, ""),
        ]
        for (line, column, message) in cases {
            let e = lessonError(good + line + "\n")
            if message.isEmpty { #expect(e == nil); continue }
            let err = try #require(e, "\(line)")
            #expect(err.line == 9, "\(line)")
            #expect(err.column == column, "\(line): \(err.rendered)")
            #expect(err.message.contains(message), "\(line): \(err.message)")
        }
    }

    @Test func directiveBeforeAnyGraph() throws {
        let e = try #require(lessonError("# T\n\n> note forward x: hi\n\n```graph\nx = 1\n```\n"))
        #expect(e.line == 3 && e.column == 3)
        #expect(e.message.contains("there is none above it"))
    }

    @Test func structuralErrors() throws {
        #expect(lessonError("no title\n```graph\nx = 1\n```\n")?.message.contains("title") == true)
        let unterminated = try #require(lessonError("# T\n\n```graph\nx = 1\n"))
        #expect(unterminated.line == 3 && unterminated.message.contains("unterminated"))
        #expect(lessonError("# T\n\nonly prose\n")?.message.contains("at least one ```graph") == true)
        let lessonBlock = try #require(lessonError("# T\n```lesson\nnote\n```\n```graph\nx = 1\n```\n"))
        #expect(lessonBlock.line == 2 && lessonBlock.message.contains("unknown block type 'lesson'"))
    }

    @Test func badDataFileContents() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-badcsv-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "a,b,label\n1,2,0\n3,x,1\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        do {
            _ = try Lesson(markdown: good + "> data bad.csv: label=label\n", fileName: "t.md", directory: dir.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 9 && error.message.contains("bad.csv:3: 'x' in column 'b' is not a number"))
        }
        do {
            _ = try Lesson(markdown: good + "> data bad.csv: label=kind\n", fileName: "t.md", directory: dir.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.column == 23 && error.message.contains("no column named 'kind'"))
        }
        do {
            _ = try Lesson(markdown: good + "> data bad.csv: label=label features=a..zz\n", fileName: "t.md", directory: dir.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.column == 38 && error.message.contains("no column named 'zz' after 'a'"))
        }
    }

    @Test func continuationLinesAndNotes() throws {
        let l = try lesson(markdown: good + "> note backward x: first part\n>   and the rest\n> note forward y: squared\n")
        let x = try #require(l.sections[0].graph.node(named: "x"))
        let step = try #require(l.steps.first { $0.kind == .backward(x) })
        #expect(step.notes == ["first part and the rest"])
        #expect(step.title.contains("used 2 times"))
        #expect(step.terms.count == 2 && step.sum?.scalar == 4)
        #expect(l.steps[0].prose == "Some prose.")
    }

    /// Random bytes, truncations and mutations of real lessons: an error or a lesson, never a crash.
    @Test func neverCrashes() throws {
        let apples = try String(contentsOf: packageRoot.appendingPathComponent("Lessons/01-apples.md"), encoding: .utf8)
        var rng = SplitMix64(seed: 3 &+ 0x9E37_79B9_7F4A_7C15)
        let alphabet = Array("# >`\n\tgraph note forward backward ask check expand data batch train x=1:*+-()[]é∂")
        for i in 0..<300 {
            var text: String
            switch i % 3 {
            case 0: text = String(apples.prefix(Int.random(in: 0...apples.count, using: &rng)))
            case 1:
                var chars = Array(apples)
                for _ in 0..<5 { chars[Int.random(in: 0..<chars.count, using: &rng)] = alphabet.randomElement(using: &rng)! }
                text = String(chars)
            default: text = String((0..<Int.random(in: 0...200, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            }
            do {
                let l = try Lesson(markdown: text, fileName: "fuzz.md", directory: "/nonexistent")
                for k in l.steps.indices { _ = StepView.render(l, step: k, style: TextStyle(color: true)) }
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
                #expect(error.rendered.hasPrefix("fuzz.md:"))
            }
        }
    }
}
