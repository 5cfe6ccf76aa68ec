import ArgumentParser
import ChainRule
import Foundation
import GraphScript

/// The script arguments shared by `eval`, `check`, `draw`, …:
/// `FILE`, `-` for standard input, or `-e STATEMENT` (repeatable).
///
/// ```swift
/// struct Draw: ParsableCommand {
///     @OptionGroup var input: ScriptOptions
///     func run() throws {
///         let script = try input.load()       // prints a diagnostic and exits 1 on error
///         …
///     }
/// }
/// ```
struct ScriptOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A graph script, or '-' to read standard input.", valueName: "file"))
    var file: String?

    @Option(name: .customShort("e"),
            help: ArgumentHelp("A statement instead of a file; repeat for more lines (-e 'x = 2' -e 'y = x * x').",
                               valueName: "statement"))
    var statements: [String] = []

    func validate() throws {
        if file != nil && !statements.isEmpty {
            throw ValidationError("give either a file or -e statements, not both")
        }
        if file == nil && statements.isEmpty {
            throw ValidationError("give a graph script file, '-' for standard input, or -e statements")
        }
    }

    /// The compiled script. On a diagnostic or an unreadable file this prints
    /// the error to standard error and throws `ExitCode.failure`.
    func load() throws -> Script {
        try ScriptInput.loadOrExit(path: file, statements: statements)
    }
}

/// Reading and compiling scripts for the commands, and reporting failures
/// the way a compiler does.
enum ScriptInput {
    /// The name diagnostics use for standard input.
    static let standardInputName = "<stdin>"
    /// The name diagnostics use for `-e` statements (line = the `-e` index).
    static let expressionName = "<expression>"

    /// A file that could not be read.
    struct ReadError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot read '\(path)': \(reason)" }
    }

    /// Reads and compiles `path` (`-` = standard input) or, when `path` is
    /// `nil`, the `statements` joined by newlines. Throws `ReadError` or a
    /// GraphScript `Diagnostic`.
    static func loadScript(path: String?, statements: [String]) throws -> Script {
        let bytes: [UInt8]
        let name: String
        if let path {
            (bytes, name) = try read(path)
        } else {
            bytes = Array(statements.joined(separator: "\n").utf8)
            name = expressionName
        }
        return try ScriptCompiler.compile(bytes, fileName: name)
    }

    /// `loadScript`, printing any failure to standard error and throwing
    /// `ExitCode.failure` (status 1).
    static func loadOrExit(path: String?, statements: [String]) throws -> Script {
        do {
            return try loadScript(path: path, statements: statements)
        } catch let diagnostic as Diagnostic {
            throw exit(with: diagnostic)
        } catch {
            throw exit(with: "\(error)")
        }
    }

    /// The bytes of `path` (`-` = standard input) and the name to report them under.
    static func read(_ path: String) throws -> (bytes: [UInt8], name: String) {
        if path == "-" {
            return ([UInt8](FileHandle.standardInput.readDataToEndOfFile()), standardInputName)
        }
        if let bytes = RegularFile.bytes(path) { return (bytes, path) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReadError(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw ReadError(path: path, reason: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(path: path, reason: "permission denied or not a regular file")
        }
        return ([UInt8](data), path)
    }

    /// Prints the diagnostic (`file:line:col: error: …`, the line, a caret)
    /// to standard error; returns the error to throw (`ExitCode.failure`).
    static func exit(with diagnostic: Diagnostic) -> ExitCode {
        writeError(diagnostic.rendered + "\n")
        return .failure
    }

    /// Prints `error: message` to standard error; returns `ExitCode.failure`.
    static func exit(with message: String) -> ExitCode {
        writeError("error: \(message)\n")
        return .failure
    }

    /// Writes to standard output, unbuffered (so it interleaves correctly with standard error).
    static func writeOutput(_ text: String) {
        StandardStreams.output(text)
    }

    /// Writes to standard error, unbuffered.
    static func writeError(_ text: String) {
        StandardStreams.error(text)
    }

    /// Evaluates a script, turning a forward-pass error (a bad class label)
    /// into a printed diagnostic and `ExitCode.failure`.
    static func evaluateOrExit(_ script: Script) throws -> Backward {
        do {
            return try script.evaluate()
        } catch {
            throw exit(with: error)
        }
    }
}
