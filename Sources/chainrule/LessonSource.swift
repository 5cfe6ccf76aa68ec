import ArgumentParser
import ChainRuleLessons
import Foundation
import ShippedLessons

/// `--lessons DIR`: which lessons `lessons`, `lesson` and `export` use.
/// Without it: `$CHAINRULE_LESSONS`, else `./Lessons`, else the lessons
/// built into the executable.
struct LessonSourceOptions: ParsableArguments {
    @Option(name: .customLong("lessons"),
            help: ArgumentHelp("A folder of NN-slug.md lessons to use instead of the built-in ones.", valueName: "DIR"))
    var directory: String?

    /// The library in use, or a one-line error on stderr and exit 1.
    func library() throws -> LessonLibrary {
        do {
            return try LessonLibrary.locate(option: directory, builtIn: ShippedLessons.files)
        } catch {
            StandardStreams.error("error: \(error.message)\n")
            throw ExitCode.failure
        }
    }
}
