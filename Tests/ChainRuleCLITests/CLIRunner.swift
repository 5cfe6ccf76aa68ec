import Foundation
import TestSupport
import Testing

/// Runs the real `chainrule` binary (`Repository.chainrule`) through the
/// shared `ProcessRunner`: clean environment, time limit, output via files.
enum CLI {
    static let binary: String? = Repository.chainrule

    /// The repository root.
    static let repository = Repository.root

    typealias Result = ProcessRunner.Result

    /// Runs `executable arguments` (default: the chainrule binary) with
    /// optional standard input, in `directory` (default: the repository).
    static func run(_ arguments: [String], stdin: String? = nil, executable: String? = nil,
                    directory: URL? = nil) throws -> Result {
        try Harden.run(arguments, executable: executable, stdin: stdin, directory: directory)
    }

    static func scriptFile(_ text: String, name: String = "script.graph") throws -> URL {
        let dir = try Repository.temporaryDirectory("script")
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }
}
