import ArgumentParser
import ChainRuleLessons
import Foundation

/// `chainrule lint [PATH…]`: checks lessons without playing them.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check lessons: directives, names, expectations, {{…}} and the numbers in the prose.",
        discussion: """
        Builds every lesson named (files, or folders of NN-slug.md files; the lessons in use \
        when none is named) the way the player does, so a bad directive, an unknown name, \
        an `> expect` the engine disagrees with or a bad {{…}} is an error at file:line:col. \
        It also warns where a number in the prose or a note looks like a node's value or \
        gradient (`z = −1`, `r ≈ 0.0996`, `∂L/∂x = 15`) but differs from what the engine \
        computes. Exit status 1 on any error, and with --strict on any warning too.
        """
    )

    @Argument(help: ArgumentHelp("Lesson files or folders (default: every lesson in use).", valueName: "PATH"))
    var paths: [String] = []

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @OptionGroup var source: LessonSourceOptions

    func run() throws {
        var lessons: [() throws -> ChainRuleLessons.Lesson] = []
        var names: [String] = []
        if paths.isEmpty {
            let library = try source.library()
            for entry in library.entries() {
                names.append(entry.path)
                lessons.append { try library.load(entry) }
            }
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                StandardStreams.error("error: \(path): no such file or folder\n")
                throw ExitCode.failure
            }
            if isDirectory.boolValue {
                let library = LessonLibrary(directory: path)
                for entry in library.entries() {
                    names.append(entry.path)
                    lessons.append { try library.load(entry) }
                }
            } else {
                names.append(path)
                lessons.append { try ChainRuleLessons.Lesson.load(path: path) }
            }
        }
        var errors = 0, warnings = 0
        for (name, load) in zip(names, lessons) {
            do {
                let lesson = try load()
                for w in lesson.warnings { StandardStreams.error(w.rendered + "\n") }
                warnings += lesson.warnings.count
            } catch {
                StandardStreams.error(((error as? LessonError)?.rendered ?? "error: \(name): \(error)") + "\n")
                errors += 1
            }
        }
        let summary = "\(names.count) lesson\(names.count == 1 ? "" : "s"): \(errors) with errors, \(warnings) warning\(warnings == 1 ? "" : "s")"
        StandardStreams.output(summary + "\n")
        if errors > 0 || (strict && warnings > 0) { throw ExitCode.failure }
    }
}
