import ArgumentParser

// Not implemented yet: owned by the session working on this command.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "(not implemented yet)")
    func run() throws { throw ValidationError("chainrule check is not implemented yet") }
}
