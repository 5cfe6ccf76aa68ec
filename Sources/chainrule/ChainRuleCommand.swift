import ArgumentParser

/// `chainrule`: forward and backward passes of small computational graphs,
/// drawn the way a textbook draws them.
@main
struct ChainRuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chainrule",
        abstract: "Forward and backward passes of small computational graphs, drawn like a textbook.",
        version: chainruleVersion,
        subcommands: [Eval.self, Check.self, Draw.self, Lessons.self, Lesson.self, Export.self, Doctor.self]
    )
}
