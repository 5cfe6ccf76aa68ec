import ArgumentParser
import ChainRuleExport
import ChainRuleLessons
import ChainRule
import ChainRuleRender
import Foundation

/// `chainrule export [ID|PATH ...] [-o DIR] [--theme …] [--format svg,pdf,png]`
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export lessons: figures, offline slideshows, PDFs and worksheets.",
        usage: """
        chainrule export [<ID|PATH> ...] [-o <DIR>] [--theme <THEME>]
                         [--format <FORMATS>] [--page a4|letter] [--quiet]
        """,
        discussion: """
        For every lesson (all of them when none is named) it writes into DIR/<id>/:
          NN-<pass>-<node>.svg      every step as a figure (nodes never move)
          forward.svg, .pdf         the finished forward pass
          backward.svg, .pdf        the finished backward pass
          worksheet.svg, .pdf       a printable worksheet: title, name line,
                                    instructions, legend, answer boxes
          worksheet-answers.*       the answer key, same layout
          index.html                a slideshow that works offline
                                    (←/→, Home/End, #step)
        and DIR/index.html, the list of lessons. --format replaces the
        formats of every figure written (default: frames as SVG, the rest
        as SVG and PDF). Worksheets are printed on --page paper (default:
        Letter where the locale says so, else A4).

        The export writes each file atomically and records what it wrote
        in DIR/<id>/.chainrule-export; it refuses to overwrite any file it
        did not write, and removes only files it wrote earlier and nobody
        changed.
        """
    )

    @Argument(help: ArgumentHelp("Lessons to export: an id (apples), a number (1) or a path to a lesson file.",
                                 valueName: "ID|PATH"))
    var lessons: [String] = []

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The folder to write into.", valueName: "DIR"))
    var output: String = "Output"

    @Option(help: ArgumentHelp("Figure theme: light, dark, print or colorblind.", valueName: "THEME"))
    var theme: String = "light"

    @Option(help: ArgumentHelp("Comma-separated figure formats: svg, pdf, png.", valueName: "FORMATS"))
    var format: String?

    @Option(help: ArgumentHelp("Paper of the worksheets: a4 or letter (default: the locale's).", valueName: "a4|letter"))
    var page: PaperSize?

    @Flag(help: "No progress bar, even on a terminal.")
    var quiet = false

    @Option(help: ArgumentHelp("Lessons exported at once (default: one per processor). The files are the same whatever the number.", valueName: "N"))
    var jobs: Int?

    @OptionGroup var source: LessonSourceOptions

    /// Internal: this process is a worker of another export (`ExportOptions.workerCommand`):
    /// it exports lessons A..<B of the list and reports them as JSON on stdout.
    @Option(name: .customLong("worker-range"), help: .hidden)
    var workerRange: String?

    /// Internal: this process draws the worksheets of lesson N of the list for another
    /// export (`ExportOptions.worksheetWorkerCommand`) and writes them to stdout.
    @Option(name: .customLong("worker-worksheets"), help: .hidden)
    var workerWorksheets: Int?

    @Flag(name: .customLong("local"), help: "Under each gradient, the local derivative it was multiplied by, CS231n style (∂price/∂apple = n = 2; ∂L/∂W = Xᵀ · ∂L/∂A for a matrix product).")
    var localDerivatives = false
    @Option(help: ArgumentHelp("For graphs with neurons (tanh/relu/sigmoid networks): also write the finished pass with each neuron or layer folded into one box (collapsed.svg …) and end the slideshow with it.", valueName: "neurons|layers"))
    var collapse: CollapseLevel?

    func run() throws {
        guard let figureTheme = FigureTheme.named(theme) else {
            throw ValidationError("unknown theme '\(theme)'; choose light, dark, print or colorblind")
        }
        let formats = try format.map(Self.formats)

        let loaded: [ChainRuleLessons.Lesson]
        // A worker loads only its own lessons (the others are another process's work).
        var workerLessons = try workerRange.map(Self.workerBounds)
        if let n = workerWorksheets {
            guard n >= 0 else { throw ValidationError("--worker-worksheets needs a lesson of the list") }
            workerLessons = n..<(n + 1)
        }
        do {
            loaded = try ExportLessonFinder.load(lessons, source: source, only: workerLessons)
        } catch let error as LessonError {
            StandardStreams.error(error.rendered + "\n")
            throw ExitCode.failure
        } catch let error as ExportLessonFinder.UnknownLesson {
            StandardStreams.error(error.message)
            throw ExitCode.failure
        }
        var options = ExportOptions(directory: URL(fileURLWithPath: output, isDirectory: true),
                                    theme: figureTheme, formats: formats, progress: quiet ? false : nil)
        options.localDerivatives = localDerivatives
        options.collapse = collapse
        if let page { options.paper = page }
        if let jobs {
            guard jobs >= 1 else { throw ValidationError("--jobs needs a number of at least 1") }
            options.jobs = jobs
        }
        if workerRange != nil { return try Self.runWorker(loaded, options) }
        if workerWorksheets != nil { return try Self.runWorksheetWorker(loaded[0], options) }
        options.workerCommand = Self.workerCommand()
        options.worksheetWorkerCommand = Self.worksheetWorkerCommand()
        // No thread has been started: a copy of this process may draw one lesson's worksheets.
        options.forkWorksheetWorker = true
        let summary: ExportSummary
        do {
            summary = try LessonExporter(options: options).export(loaded)
        } catch {
            StandardStreams.error("error: \(error.message)\n")
            throw ExitCode.failure
        }
        let folder = output.hasSuffix("/") ? String(output.dropLast()) : output
        let ms = String(format: "%.1f", summary.millisecondsPerFrame)
        let seconds = String(format: "%.2f", summary.seconds)
        let trained = summary.trainingSeconds > 0 ? String(format: ", %.2f s of it training", summary.trainingSeconds) : ""
        print("Exported \(summary.lessons.count) lesson\(summary.lessons.count == 1 ? "" : "s"), \(summary.frames) frames, \(summary.files) files in \(seconds) s\(trained) (\(ms) ms per frame) to \(folder)/")
        for lesson in summary.lessons {
            print("  \(folder)/\(lesson.slideshow)  \(lesson.title) (\(lesson.frames) steps)")
        }
        print("Open \(folder)/index.html in a browser.")
    }
}

extension Export {
    /// `--format svg,pdf`: the formats, each once, in the order given.
    static func formats(_ format: String) throws -> [GraphvizFormat] {
        var list: [GraphvizFormat] = []
        for word in format.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !word.isEmpty {
            guard let f = GraphvizFormat(rawValue: word), [.svg, .pdf, .png].contains(f) else {
                throw ValidationError("unknown format '\(word)'; choose from svg, pdf, png (comma-separated)")
            }
            if !list.contains(f) { list.append(f) }
        }
        guard !list.isEmpty else { throw ValidationError("--format needs at least one of svg, pdf, png") }
        return list
    }

    /// `--worker-range A-B`: lessons A..<B of the list.
    static func workerBounds(_ range: String) throws -> Range<Int> {
        let bounds = range.split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, 0 <= bounds[0], bounds[0] < bounds[1] else {
            throw ValidationError("--worker-range needs A-B within the lessons")
        }
        return bounds[0]..<bounds[1]
    }

    /// `--worker-range A-B`: exports lessons A..<B of the list (`loaded`) for another export, reports them on stdout.
    static func runWorker(_ loaded: [ChainRuleLessons.Lesson], _ options: ExportOptions) throws {
        do {
            print(try LessonExporter(options: options).exportAsWorker(loaded))
        } catch {
            StandardStreams.error("error: \(error.message)\n")
            throw ExitCode.failure
        }
    }

    /// `--worker-worksheets N`: the worksheets of `lesson` for another export, framed on stdout.
    static func runWorksheetWorker(_ lesson: ChainRuleLessons.Lesson, _ options: ExportOptions) throws {
        do {
            let bytes = try LessonExporter(options: options).worksheetsAsWorker(lesson)
            guard Self.writeAll(bytes, to: 1) else { throw ExitCode.failure }
        } catch let error as ExportError {
            StandardStreams.error("error: \(error.message)\n")
            throw ExitCode.failure
        }
    }

    /// This command line again, as a worker exporting lessons `range`
    /// (nil when this executable cannot be found: lessons then run on threads).
    static func workerCommand() -> (@Sendable (Range<Int>) -> [String])? {
        guard let (executable, rest) = commandLine() else { return nil }
        return { range in [executable, "export", "--worker-range", "\(range.lowerBound)-\(range.upperBound)"] + rest }
    }

    /// This command line again, as a worker drawing the worksheets of lesson `index`.
    static func worksheetWorkerCommand() -> (@Sendable (Int) -> [String])? {
        guard let (executable, rest) = commandLine() else { return nil }
        return { index in [executable, "export", "--worker-worksheets", String(index)] + rest }
    }

    /// This executable and the arguments after `export`.
    static func commandLine() -> (executable: String, rest: [String])? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/self/exe", &buffer, 4096)
        guard n > 0 else { return nil }
        let executable = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let at = arguments.firstIndex(of: "export") else { return nil }
        arguments.removeSubrange(...at)
        return (executable, arguments)
    }
}

extension Export {
    /// Writes all of `bytes` to file descriptor `fd` (retrying short writes); false on an error.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}

/// Loads lessons by id, number or path (Lessons/README.md) through `LessonLibrary`.
enum ExportLessonFinder {
    /// An id or number that names no lesson (the message says which exist, and the likely one).
    struct UnknownLesson: Error { let message: String }

    /// The lessons `names` name (every lesson when none), or only those at
    /// the indices `only` of that list (a worker's; refused unless within it).
    static func load(_ names: [String], source: LessonSourceOptions,
                     only: Range<Int>? = nil) throws -> [ChainRuleLessons.Lesson] {
        if let only, !names.isEmpty {
            guard only.upperBound <= names.count else { throw ValidationError("--worker-range needs A-B within the lessons") }
            return try load(Array(names[only]), source: source)
        }
        let needsLibrary = names.isEmpty || names.contains { name in
            var isDirectory: ObjCBool = false
            return !(FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory) && !isDirectory.boolValue)
        }
        let library = needsLibrary ? try source.library() : nil
        if names.isEmpty, let library {
            let entries = library.entries()
            guard !entries.isEmpty else {
                throw LessonError(fileName: library.directory, line: 1, column: 1, message: "no lessons (NN-slug.md files) found", sourceLine: "")
            }
            if let only {
                guard only.upperBound <= entries.count else { throw ValidationError("--worker-range needs A-B within the lessons") }
                return try entries[only].map { entry throws(LessonError) in try library.load(entry) }
            }
            return try entries.map { entry throws(LessonError) in try library.load(entry) }
        }
        return try names.map { name in
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), !isDirectory.boolValue {
                return try ChainRuleLessons.Lesson.load(path: name)
            }
            guard let library, let entry = library.entry(named: name) else {
                throw UnknownLesson(message: library?.unknownLessonMessage(name) ?? "error: no lesson '\(name)'\n")
            }
            return try library.load(entry)
        }
    }
}
