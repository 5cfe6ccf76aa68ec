import ArgumentParser

// Not implemented yet: owned by the session working on this command.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "(not implemented yet)")
    func run() throws { throw ValidationError("chainrule export is not implemented yet") }
}
