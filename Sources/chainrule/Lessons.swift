import ArgumentParser
import ChainRuleLessons
import Foundation

/// `chainrule lessons`: the id and title of every lesson, in order.
struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "List the lessons: id and title, in order.",
        discussion: """
        Lessons are the Markdown files Lessons/NN-slug.md, found in ./Lessons, else beside \
        the package the chainrule executable was built from, else in $CHAINRULE_LESSONS. \
        Play one with `chainrule lesson ID` (or its number).
        """
    )

    func run() throws {
        guard let library = LessonLibrary.locate() else {
            throw lessonsFolderMissing()
        }
        let entries = library.entries()
        let width = entries.map(\.id.count).max() ?? 0
        var out = ""
        for e in entries {
            let number = e.number.map { String(format: "%02d", $0) } ?? "  "
            out += "\(number)  \(e.id)\(String(repeating: " ", count: width - e.id.count))  \(e.title)\n"
        }
        StandardStreams.output(out)
    }
}

func lessonsFolderMissing() -> Error {
    StandardStreams.error("error: no Lessons folder: looked in ./Lessons, beside the chainrule package, and $CHAINRULE_LESSONS\n")
    return ExitCode.failure
}
