import ArgumentParser
import ChainRuleLessons
import ChainRulePlayer
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `chainrule lesson ID|PATH [--no-pause]`: plays a lesson in the terminal.
struct Lesson: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Play a lesson in the terminal, one step at a time.",
        discussion: """
        ID is a lesson's file name without NN- and .md (apples for
        Lessons/01-apples.md), or its number (1 or 01); PATH is any lesson file.

        Keys: Enter/Space/→ next, b/← back, j/k or PgDn/PgUp page through a long
        step, ↓/↑ a line, Home/End first/last step, g N Enter go to step N,
        e explain the operation, ? keys, q quit.

        When stdin or stdout is not a terminal, or with --no-pause, every step
        is printed (wrapped to $COLUMNS, else 80) and the command exits 0.
        Colour only on a terminal, never when NO_COLOR is set. While playing,
        the step's figure is written to Output/ID/current.svg.
        """
    )

    @Argument(help: "A lesson id (apples), number (1) or path to a lesson .md file.")
    var lesson: String

    @Flag(name: .customLong("no-pause"), help: "Print every step without waiting for keys.")
    var noPause = false

    @Flag(help: ArgumentHelp("Quiz: at each question type your answer (a number or e.g. 2*3); a wrong answer gets a hint, a second one the answer; the lesson ends with Score: k/n. Only on a terminal: otherwise every step is printed as usual."))
    var quiz = false

    @OptionGroup var source: LessonSourceOptions

    func run() throws {
        let loaded: ChainRuleLessons.Lesson
        do {
            loaded = try resolve(lesson)
        } catch let error as LessonError {
            StandardStreams.error(error.rendered + "\n")
            throw ExitCode.failure
        }
        let interactive = !noPause && RawTerminal.isTerminal(0) && RawTerminal.isTerminal(1)
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let color = RawTerminal.isTerminal(1) && !noColor
        let terminal = RawTerminal()
        // On a terminal its width; otherwise (pipes, --no-pause to a file) $COLUMNS or 80.
        let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        let width = (RawTerminal.isTerminal(1) ? terminal.size?.columns : nil) ?? columns ?? 80
        let output = URL(fileURLWithPath: "Output", isDirectory: true)
        let player = LessonPlayer(lesson: loaded, style: TextStyle(color: color, width: width), outputDirectory: output)
        if interactive {
            // A viewer can follow along: Output/<id>/current.svg is the step on screen.
            player.onStep = FrameWriter.make(for: loaded, outputDirectory: output)
            player.liveFigurePath = "Output/\(loaded.id)/current.svg"
        }
        do {
            if interactive && quiz {
                try player.playQuiz(terminal: terminal)
            } else if interactive {
                try player.playInteractive(terminal: terminal)
            } else {
                try player.playAll { StandardStreams.output($0) }
            }
        } catch {
            terminal.restore()
            StandardStreams.error("error: \(loaded.fileName): \(error)\n")
            throw ExitCode.failure
        }
    }

    /// A path (`….md` or containing `/`) or a lesson id/number in the lessons in use.
    private func resolve(_ name: String) throws -> ChainRuleLessons.Lesson {
        if name.hasSuffix(".md") || name.contains("/") {
            guard FileManager.default.fileExists(atPath: name) else {
                StandardStreams.error("error: \(name): no such lesson file\n")
                throw ExitCode.failure
            }
            return try ChainRuleLessons.Lesson.load(path: name, fileName: name)
        }
        let library = try source.library()
        guard let entry = library.entry(named: name) else {
            StandardStreams.error(library.unknownLessonMessage(name))
            throw ExitCode.failure
        }
        return try library.load(entry)
    }
}
