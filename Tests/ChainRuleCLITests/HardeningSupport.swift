#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Helpers for the hardening tests (faults, numerics, injection): run the
/// real binary with a chosen environment, inspect output folders.
enum Harden {
    struct Run {
        var status: Int32
        /// The signal that ended the process, if one did.
        var signal: Int32?
        var stdout: String
        var stderr: String
        /// Ended normally (an exit status), not by a trap or a signal.
        var exited: Bool { signal == nil }
    }

    static var binary: String { get throws { try #require(CLI.binary, "chainrule binary not found; set CHAINRULE_BIN") } }

    /// Runs `executable args` with `environment` added (NO_COLOR=1), `stdin` (or none),
    /// output through files. `configure` may start it differently (e.g. send a
    /// signal once something happened): it gets the running process.
    static func run(_ arguments: [String], executable: String? = nil, environment: [String: String] = [:],
                    stdin: String? = nil, directory: URL? = nil,
                    whileRunning: ((Process) throws -> Void)? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable ?? binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? CLI.repository
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let temp = try temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: temp) }
        let outURL = temp.appendingPathComponent("out"), errURL = temp.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try runWithCleanSignalMask(process)
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        if let whileRunning { try whileRunning(process) }
        process.waitUntilExit()
        try out.close(); try err.close()
        let signalled = process.terminationReason == .uncaughtSignal
        return Run(status: process.terminationStatus, signal: signalled ? process.terminationStatus : nil,
                   stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Starts `process` with no signal blocked. Test code runs on libdispatch
    /// threads, which block nearly every signal, and a spawned child inherits
    /// the spawning thread's mask: a tmux server started that way could not
    /// be stopped and passed the mask to everything it runs, so Ctrl-C in a
    /// pane did nothing. Unblock on this thread just for the spawn.
    static func runWithCleanSignalMask(_ process: Process) throws {
        var all = sigset_t(), old = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_UNBLOCK, &all, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        try process.run()
    }

    /// Runs through `/bin/sh -c` (for `ulimit`, redirections); `$CHAINRULE` is the binary.
    static func shell(_ script: String, environment: [String: String] = [:], directory: URL? = nil) throws -> Run {
        var env = environment
        env["CHAINRULE"] = try binary
        return try run(["-c", script], executable: "/bin/sh", environment: env, directory: directory)
    }

    static func temporaryDirectory(_ tag: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("chainrule-harden-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Every regular file under `root`, relative paths, sorted (hidden files included).
    static func files(under root: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            out.append(String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)))
        }
        return out.sorted()
    }

    /// FNV-1a 64, as `ExportFileStore` records it in `.chainrule-export`.
    static func fnv1a(_ bytes: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Problems with an export folder after a fault: temporary files left
    /// behind, files the manifests do not list or whose bytes differ from
    /// what they record, figures that are not complete.
    static func exportProblems(in root: URL, requireListed: Bool = true) -> [String] {
        var problems: [String] = []
        let all = files(under: root)
        for path in all {
            let name = (path as NSString).lastPathComponent
            if name.contains(".tmp") { problems.append("temporary file left: \(path)") }
        }
        // Each folder's manifest: "checksum  name" lines.
        var listed: Set<String> = []
        for manifest in all where (manifest as NSString).lastPathComponent == ".chainrule-export" {
            let folder = (manifest as NSString).deletingLastPathComponent
            let text = (try? String(contentsOf: root.appendingPathComponent(manifest), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let gap = line.range(of: "  ") else { problems.append("bad manifest line in \(manifest): \(line)"); continue }
                let sum = String(line[..<gap.lowerBound]), name = String(line[gap.upperBound...])
                let path = folder.isEmpty ? name : folder + "/" + name
                listed.insert(path)
                guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else { continue }
                if fnv1a(data) != sum { problems.append("\(path): bytes differ from the manifest") }
            }
        }
        for path in all where !(path as NSString).lastPathComponent.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else { continue }
            if requireListed && !listed.contains(path) {
                // Written but not recorded: a rerun would refuse to replace it.
                problems.append("\(path): not listed in its folder's manifest")
            }
            problems += incomplete(path, data)
        }
        return problems
    }

    /// A figure or page that does not end the way a complete one does.
    static func incomplete(_ path: String, _ data: Data) -> [String] {
        let text = String(decoding: data.suffix(64), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if path.hasSuffix(".svg"), !text.hasSuffix("</svg>") && !text.hasSuffix("-->") { return ["\(path): truncated SVG"] }
        if path.hasSuffix(".pdf"), !text.hasSuffix("%%EOF") { return ["\(path): truncated PDF"] }
        if path.hasSuffix(".html"), !text.hasSuffix("</html>") { return ["\(path): truncated HTML"] }
        if path.hasSuffix(".svg"), let error = xmlError(data) { return ["\(path): not well-formed XML: \(error)"] }
        return []
    }

    /// `nil` if `data` is well-formed XML, else the parser's complaint.
    static func xmlError(_ data: Data) -> String? {
        let parser = XMLParser(data: data)
        return parser.parse() ? nil : (parser.parserError.map { "\($0)" } ?? "unknown XML error")
    }

    /// Polls `condition` (every 50 ms) until it holds or `limit` seconds pass:
    /// a guard against hangs, not a timing requirement.
    @discardableResult
    static func waitUntil(_ limit: Double = 120, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    static func which(_ tool: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + tool) {
            return dir + "/" + tool
        }
        return nil
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
