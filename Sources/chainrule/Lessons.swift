import ArgumentParser

// Not implemented yet: owned by the session working on this command.
struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lessons", abstract: "(not implemented yet)")
    func run() throws { throw ValidationError("chainrule lessons is not implemented yet") }
}
