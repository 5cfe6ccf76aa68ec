import ArgumentParser

// Not implemented yet: owned by the session working on this command.
struct Lesson: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lesson", abstract: "(not implemented yet)")
    func run() throws { throw ValidationError("chainrule lesson is not implemented yet") }
}
