import ArgumentParser

// Not implemented yet: owned by the session working on this command.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "(not implemented yet)")
    func run() throws { throw ValidationError("chainrule eval is not implemented yet") }
}
