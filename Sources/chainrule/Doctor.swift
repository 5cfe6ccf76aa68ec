import ArgumentParser

// Not implemented yet: owned by the session working on this command.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "(not implemented yet)")
    func run() throws { throw ValidationError("chainrule doctor is not implemented yet") }
}
