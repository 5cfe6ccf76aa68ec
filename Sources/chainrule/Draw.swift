import ArgumentParser

// Not implemented yet: owned by the session working on this command.
struct Draw: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "draw", abstract: "(not implemented yet)")
    func run() throws { throw ValidationError("chainrule draw is not implemented yet") }
}
