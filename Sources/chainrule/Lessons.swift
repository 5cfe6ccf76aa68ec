import ArgumentParser
import ChainRuleLessons
import Foundation

/// `chainrule lessons`: the id and title of every lesson, in order.
struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "List the lessons: id and title, in order.",
        discussion: """
        The lessons are built into chainrule. A folder of NN-slug.md files overrides them: \
        --lessons DIR, else $CHAINRULE_LESSONS, else ./Lessons. The last line says which \
        lessons are in use. Play one with `chainrule lesson ID` (or its number).
        """
    )

    @OptionGroup var source: LessonSourceOptions

    func run() throws {
        let library = try source.library()
        let entries = library.entries()
        let width = entries.map(\.id.count).max() ?? 0
        var out = ""
        for e in entries {
            let number = e.number.map { String(format: "%02d", $0) } ?? "  "
            out += "\(number)  \(e.id)\(String(repeating: " ", count: width - e.id.count))  \(e.title)\n"
        }
        out += "\n\(library.sourceDescription)\n"
        StandardStreams.output(out)
    }
}
