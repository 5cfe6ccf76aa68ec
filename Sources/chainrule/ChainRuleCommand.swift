import ArgumentParser
import ChainRuleRender

/// `chainrule`: forward and backward passes of small computational graphs,
/// drawn the way a textbook draws them.
@main
struct ChainRuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chainrule",
        abstract: "Forward and backward passes of small graphs, drawn like a textbook.",
        version: chainruleVersion,
        subcommands: [Eval.self, Check.self, Draw.self, Lessons.self, Lesson.self, Lint.self, Export.self, Serve.self, Doctor.self]
    )

    /// A root flag rather than `CommandConfiguration(version:)`, so that the
    /// Graphviz version is looked up only when asked for.
    @Flag(name: .customLong("version"), help: "Print the version of chainrule and of Graphviz.")
    var version = false

    func run() throws {
        guard version else { throw CleanExit.helpRequest(self) }
        StandardStreams.output("chainrule \(chainruleVersion)\nGraphviz \(Graphviz.version)\n")
    }
}
