import ChainRuleLessons
import Foundation
import TestSupport
import Testing

/// Runs a program through the shared runner (clean environment, time limit),
/// returning its exit status, stdout and stderr.
@discardableResult
private func run(_ path: String, _ args: [String], cwd: URL = Repository.root, env: [String: String] = [:]) throws
    -> (status: Int32, out: String, err: String) {
    let r = try ProcessRunner.run(path, args, environment: env, directory: cwd)
    return (r.status, r.stdout, r.stderr)
}

/// The player on a real terminal (tmux, `PlayerSession`), and without one.
@Suite(.serialized) struct TerminalPlayerTests {
    @Test func notATerminalPrintsEveryStep() throws {
        let bin = try #require(Repository.chainrule, "build the chainrule executable first")
        let r = try run(bin, ["lesson", "apples"])
        #expect(r.status == 0)
        #expect(r.out.contains("step 1/24") && r.out.contains("step 24/24"))
        #expect(!r.out.contains("\u{1B}["))  // no colour when stdout is not a terminal
        let byNumber = try run(bin, ["lesson", "01", "--no-pause"])
        #expect(byNumber.out == r.out)
        let byPath = try run(bin, ["lesson", "Lessons/07-dezero.md"])
        #expect(byPath.status == 0 && byPath.out.contains("3.297442541400256"))
    }

    @Test func listsLessons() throws {
        let bin = try #require(Repository.chainrule, "build the chainrule executable first")
        let r = try run(bin, ["lessons"])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n")
        let list = lines.filter { $0.first?.isNumber == true }
        #expect(list.count == LessonLibrary(directory: packageRoot.appendingPathComponent("Lessons").path).entries().count)
        #expect(list.first?.hasPrefix("01  apples") == true)
        #expect(lines.last == "lessons: ./Lessons (a Lessons folder here overrides the built-in lessons)")
        // From another directory: $CHAINRULE_LESSONS, else the lessons built into the binary.
        let elsewhere = try run(bin, ["lessons"], cwd: URL(fileURLWithPath: "/"),
                                env: ["CHAINRULE_LESSONS": packageRoot.appendingPathComponent("Lessons").path])
        #expect(elsewhere.out.split(separator: "\n").filter { $0.first?.isNumber == true } == list)
        #expect(elsewhere.out.contains("(from $CHAINRULE_LESSONS, overriding the built-in lessons)"))
        let builtIn = try run(bin, ["lessons"], cwd: URL(fileURLWithPath: "/"), env: ["CHAINRULE_LESSONS": ""])
        #expect(builtIn.out.split(separator: "\n").filter { $0.first?.isNumber == true } == list)
        #expect(builtIn.out.contains("lessons: built into chainrule"))
    }

    @Test func badLessonsFailWithLocatedErrors() throws {
        let bin = try #require(Repository.chainrule, "build the chainrule executable first")
        let missing = try run(bin, ["lesson", "no-such-lesson"])
        #expect(missing.status != 0 && missing.err.contains("no lesson named 'no-such-lesson'"))
        let dir = try Repository.temporaryDirectory("bad-lesson")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("01-bad.md")
        try "# Bad\n\n```graph\nx = 2\ny = x +\n```\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try run(bin, ["lesson", file.path])
        #expect(r.status != 0)
        #expect(r.err.hasPrefix("\(file.path):5:"))
        #expect(r.err.contains("y = x +"))
        try "# Bad\n\n```graph\nx = 2\n```\n\n> data gone.csv: label=label\n".write(to: file, atomically: true, encoding: .utf8)
        let data = try run(bin, ["lesson", file.path])
        #expect(data.status != 0 && data.err.hasPrefix("\(file.path):7:8: error: data file 'gone.csv' not found"))
    }

    /// Drives the interactive player in tmux: next (Enter, Space, →), back (b, ←), quit (q),
    /// and checks the terminal is back in canonical mode with echo afterwards.
    @Test(.enabled(if: Tmux.path != nil, "tmux is not installed"))
    func interactiveNextBackQuit() throws {
        let play = try PlayerSession(["lesson", "apples"], recordsTerminalModes: true)
        defer { play.close() }
        let t = play.tmux
        var screen = try t.waitFor { $0.contains("step 1/24") }
        #expect(screen.contains("step 1/24"))
        #expect(screen.contains("Enter/Space/→ next · b/← back · q quit"))
        try t.keys("Enter")
        screen = try t.waitFor { $0.contains("step 2/24") }
        #expect(screen.contains("forward · price = apple × n"))
        #expect(screen.contains("price = apple × n = 100 × 2 = 200"))
        try t.keys("Space")
        screen = try t.waitFor { $0.contains("step 3/24") }
        #expect(screen.contains("step 3/24"))
        try t.keys("Right")
        screen = try t.waitFor { $0.contains("step 4/24") }
        #expect(screen.contains("∂total/∂total = 1"))
        try t.keys("b")
        screen = try t.waitFor { $0.contains("step 3/24") }
        #expect(screen.contains("step 3/24") && !screen.contains("step 4/24"))
        try t.keys("Left")
        screen = try t.waitFor { $0.contains("step 2/24") }
        #expect(screen.contains("step 2/24"))
        // The frame of the step on screen is written for a viewer.
        let frame = play.folder.appendingPathComponent("Output/apples/current.svg")
        #expect(FileManager.default.fileExists(atPath: frame.path))
        try t.keys("q")
        screen = try t.waitFor { $0.contains("EXIT=") }
        #expect(screen.contains("EXIT=0"))
        let modes = try play.terminalModes()
        #expect(modes.contains(" icanon") && !modes.contains("-icanon"))
        #expect(modes.contains(" echo ") && !modes.contains("-echo "))
    }

    /// `--quiz` in a terminal: an expression as a right answer, a wrong answer
    /// then the hint and a right one, two wrong answers then the reveal, and
    /// the final score.
    @Test(.enabled(if: Tmux.path != nil, "tmux is not installed"))
    func quizInATerminal() throws {
        let play = try PlayerSession(["lesson", "01-quiz.md", "--quiz"]) { folder in
            try QuizFixture.markdown.write(to: folder.appendingPathComponent("01-quiz.md"), atomically: true, encoding: .utf8)
        }
        defer { play.close() }
        let t = play.tmux
        var screen = try t.waitFor { $0.contains("step 1/") }
        try t.keys("Enter")
        // 1. forward z: an expression, right at once.
        screen = try t.waitFor { $0.contains("your answer") }
        #expect(screen.contains("what is x × y?"))
        #expect(screen.contains("z = x × y = 2 × 3 = ?"))
        try t.keys("2*3", "Enter")
        screen = try t.waitFor { $0.contains("✓ right") }
        #expect(screen.contains("✓ right: 6"))
        try t.keys("Enter")
        screen = try t.waitFor { $0.contains("z = x × y = 2 × 3 = 6") }
        // On to the local-derivative question about y: the equation hides the local derivative.
        for _ in 0..<6 {
            if screen.contains("the local derivative ∂z/∂y") { break }
            try t.keys("Enter")
            usleep(300_000)
            screen = try t.screen()
        }
        screen = try t.waitFor { $0.contains("your answer") }
        #expect(screen.contains("what is the local derivative ∂z/∂y?"))
        #expect(screen.contains("= 1 × ? = ?"))
        // 2. wrong, then the hint, then right.
        try t.keys("7", "Enter")
        screen = try t.waitFor { $0.contains("✗ not quite.") }
        #expect(screen.contains("Hint: "))
        try t.keys("1", "-", "1", "+", "2", "Enter")
        screen = try t.waitFor { $0.contains("✓ right") }
        #expect(screen.contains("✓ right: 2"))
        try t.keys("Enter")
        // 3. two wrong answers: the answer is revealed.
        for _ in 0..<4 {
            if screen.contains("what is ∂L/∂x?") && screen.contains("your answer") { break }
            try t.keys("Enter")
            usleep(300_000)
            screen = try t.screen()
        }
        screen = try t.waitFor { $0.contains("what is ∂L/∂x?") && $0.contains("your answer") }
        try t.keys("1", "Enter")
        screen = try t.waitFor { $0.contains("Hint: ") }
        try t.keys("5", "Enter")
        screen = try t.waitFor { $0.contains("The answer is") }
        #expect(screen.contains("The answer is 3"))
        // 4. to the end: the score.
        for _ in 0..<6 {
            if screen.contains("Score: ") { break }
            try t.keys("Enter")
            usleep(300_000)
            screen = try t.screen()
        }
        screen = try t.waitFor { $0.contains("Score: ") }
        #expect(screen.contains("Score: 2/3"))
        try t.keys("q")
        screen = try t.waitFor { $0.contains("EXIT=") }
        #expect(screen.contains("EXIT=0"))
    }

    /// Ctrl-C while playing: the terminal is restored and the player exits.
    @Test(.enabled(if: Tmux.path != nil, "tmux is not installed"))
    func interruptRestoresTheTerminal() throws {
        let play = try PlayerSession(["lesson", "chain-rule"], recordsTerminalModes: true)
        defer { play.close() }
        let t = play.tmux
        _ = try t.waitFor { $0.contains("step 1/") }
        try t.keys("Enter")
        _ = try t.waitFor { $0.contains("step 2/") }
        try t.keys("C-c")
        let screen = try t.waitFor { $0.contains("EXIT=") }
        #expect(screen.contains("EXIT=130") || screen.contains("EXIT=0"))
        let modes = try play.terminalModes()
        #expect(!modes.contains("-icanon") && !modes.contains("-echo "))
    }

    /// NO_COLOR turns colour off even on a terminal.
    @Test(.enabled(if: Tmux.path != nil, "tmux is not installed"))
    func noColorOnATerminal() throws {
        let play = try PlayerSession(["lesson", "apples"], environment: ["NO_COLOR": "1"])
        defer { play.close() }
        let t = play.tmux
        _ = try t.waitFor { $0.contains("step 1/24") }
        let colored = try t.screen(colors: true)
        #expect(!colored.contains("\u{1B}[31m") && !colored.contains("\u{1B}[1;33m"))
        try t.keys("q")
    }
}
