import Foundation
import Testing

/// Runs the real `chainrule` binary: `CHAINRULE_BIN`, or the one in the same
/// build products directory as this test bundle.
enum CLI {
    static let binary: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CHAINRULE_BIN"], !path.isEmpty { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("chainrule").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    /// The repository root (three levels above this file).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` next to the repository, when present.
    static let shared: URL? = {
        let url = repository.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("oracle/check.py").path) ? url : nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable arguments` (default: the chainrule binary) with
    /// optional standard input, in `directory` (default: this process's),
    /// through the same runner as the hardening tests (output via files, so
    /// large outputs cannot deadlock).
    static func run(_ arguments: [String], stdin: String? = nil, executable: String? = nil,
                    directory: URL? = nil) throws -> Result {
        let run = try Harden.run(arguments, executable: executable, stdin: stdin,
                                 directory: directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return Result(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    static func scriptFile(_ text: String, name: String = "script.graph") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }
}
