#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
import Testing

/// Hardening (issue 8): text from lesson files and scripts never reaches the
/// terminal as escape sequences — not in `lesson`, `lessons`, `export`'s
/// summary or error messages — and Ctrl-C in the interactive player puts the
/// terminal back and leaves no half-written frame.
@Suite(.serialized) struct TerminalInjectionTests {
    static let esc = "\u{1B}"
    static let evil = "<b>&amp;</b> ]]> <!-- c --> {a|b} \\N \(esc)[31mRED\(esc)[0m \(esc)]0;pwned\u{07} \u{9B}2J \(esc)[2J"

    static func hostileLessonFolder() throws -> URL {
        let dir = try Harden.temporaryDirectory("evil")
        try Harden.write("""
            # Hostile \(evil)

            Prose \(evil)

            ```graph
            x = 2
            y = x * x
            ```

            > note forward y: note \(evil)
            > note backward x: back \(evil)
            """, to: dir.appendingPathComponent("Lessons/01-hostile.md"))
        return dir
    }

    static func noControls(_ s: String) -> Bool {
        !s.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
    }

    @Test func lessonOutputIsInert() throws {
        let dir = try Self.hostileLessonFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let play = try Harden.run(["lesson", "hostile", "--no-pause"], directory: dir)
        #expect(play.exited && play.status == 0, "\(play.stderr)")
        #expect(Self.noControls(play.stdout))
        #expect(play.stdout.contains("Hostile <b>&amp;</b> ]]> <!-- c --> {a|b} \\N ␛[31mRED␛[0m ␛]0;pwned␇"))
        let list = try Harden.run(["lessons"], directory: dir)
        #expect(list.exited && list.status == 0)
        #expect(Self.noControls(list.stdout) && list.stdout.contains("hostile  Hostile"), "\(list.stdout)")
        let export = try Harden.run(["export", "hostile", "-o", dir.appendingPathComponent("out").path], directory: dir)
        #expect(export.exited && export.status == 0, "\(export.stderr)")
        #expect(Self.noControls(export.stdout) && Self.noControls(export.stderr))
        #expect(Harden.exportProblems(in: dir.appendingPathComponent("out")) == [])
    }

    /// A graph script with escape sequences: the error echoes the line with
    /// the control characters replaced, the caret still under the culprit.
    @Test func scriptErrorsAreInert() throws {
        let file = try CLI.scriptFile("x = 2\ny = x \(Self.esc)]0;pwned\u{07} + 1\n")
        let r = try Harden.run(["eval", file.path])
        #expect(r.exited && r.status == 1)
        #expect(Self.noControls(r.stderr), "\(r.stderr.debugDescription)")
        #expect(r.stderr.hasPrefix("\(file.path):2:7: error: "))
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 3 && lines[2] == "        ^", "\(lines)")
        let lesson = try Harden.temporaryDirectory("evilscript")
        defer { try? FileManager.default.removeItem(at: lesson) }
        let md = lesson.appendingPathComponent("01-bad.md")
        try Harden.write("# Bad\n\n```graph\nx = 2\ny = x \(Self.esc)[31m\n```\n", to: md)
        let l = try Harden.run(["lesson", md.path, "--no-pause"], directory: lesson)
        #expect(l.exited && l.status == 1)
        #expect(Self.noControls(l.stderr), "\(l.stderr.debugDescription)")
        #expect(l.stderr.hasPrefix("\(md.path):5:7: error: "), "\(l.stderr)")
    }

    /// The interactive player in tmux: the lesson's escape sequences do not
    /// retitle the pane or colour the screen; Ctrl-C restores canonical mode
    /// and echo, exits 130 and leaves only a complete current.svg.
    @Test(.enabled(if: Tmux.path != nil, "needs tmux"), .timeLimit(.minutes(10)))
    func interactiveLessonCtrlC() throws {
        let dir = try Self.hostileLessonFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tmux = try Tmux(session: "h")
        defer { tmux.kill() }
        func t(_ args: String...) throws -> String { try tmux.run(args).stdout }
        let stty = dir.appendingPathComponent("stty.txt")
        let bin = try Harden.binary
        let command = "cd \(Harden.shellQuote(dir.path)) && env -u NO_COLOR \(Harden.shellQuote(bin)) lesson hostile; echo EXIT=$?; stty -a > \(Harden.shellQuote(stty.path)); sleep 600"
        try tmux.start(command)
        func screen() throws -> String { try tmux.screen() }
        var shown = ""
        Harden.waitUntil { shown = (try? screen()) ?? ""; return shown.contains("step 1/") }
        #expect(shown.contains("Hostile <b>&amp;</b>"), "\(shown)")
        #expect(shown.contains("␛[31mRED␛[0m"))
        _ = try t("send-keys", "-t", "h", "Enter")
        Harden.waitUntil { shown = (try? screen()) ?? ""; return shown.contains("step 2/") }
        #expect(shown.contains("note: note"))
        // The lesson did not retitle the pane, and no foreign colour reached it.
        #expect(try t("display-message", "-p", "-t", "h", "#{pane_title}").contains("pwned") == false)
        let colored = try t("capture-pane", "-p", "-e", "-t", "h")
        #expect(!colored.contains("RED") || !colored.contains("\(Self.esc)[31mRED"))
        _ = try t("send-keys", "-t", "h", "C-c")
        Harden.waitUntil { shown = (try? screen()) ?? ""; return shown.contains("EXIT=") }
        #expect(shown.contains("EXIT=130"), "\(shown)")
        Harden.waitUntil(30) { FileManager.default.fileExists(atPath: stty.path) && ((try? String(contentsOf: stty, encoding: .utf8)) ?? "").contains("echo") }
        let modes = try String(contentsOf: stty, encoding: .utf8)
        #expect(modes.contains(" icanon") && !modes.contains("-icanon"), "\(modes)")
        #expect(modes.contains(" echo ") && !modes.contains("-echo "), "\(modes)")
        // The frame a viewer follows is complete; nothing temporary is left.
        let output = dir.appendingPathComponent("Output/hostile")
        let files = Harden.files(under: output)
        #expect(files == ["current.svg"], "\(files)")
        if let data = FileManager.default.contents(atPath: output.appendingPathComponent("current.svg").path) {
            #expect(Harden.xmlError(data) == nil)
        }
    }
}
