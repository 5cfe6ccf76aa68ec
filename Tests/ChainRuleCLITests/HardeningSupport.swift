#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing

/// Helpers for the hardening tests (faults, numerics, injection): run the
/// real binary with a chosen environment, inspect output folders.
enum Harden {
    typealias Run = ProcessRunner.Result

    static var binary: String { get throws { try #require(CLI.binary, "chainrule binary not found; set CHAINRULE_BIN") } }

    /// Runs `executable args` (default: chainrule) through the shared
    /// `ProcessRunner` with `environment` added to the clean one (plus
    /// NO_COLOR=1), `stdin` (or none), in `directory` (default: the
    /// repository). `whileRunning` may act on the running process (send a
    /// signal once something happened).
    static func run(_ arguments: [String], executable: String? = nil, environment: [String: String] = [:],
                    stdin: String? = nil, directory: URL? = nil,
                    whileRunning: ((RunningProcess) throws -> Void)? = nil) throws -> Run {
        try ProcessRunner.run(try executable ?? binary, arguments,
                              environment: ["NO_COLOR": "1"].merging(environment) { $1 },
                              stdin: stdin, directory: directory ?? CLI.repository, whileRunning: whileRunning)
    }

    /// Runs through `/bin/sh -c` (for `ulimit`, redirections); `$CHAINRULE` is the binary.
    static func shell(_ script: String, environment: [String: String] = [:], directory: URL? = nil) throws -> Run {
        var env = environment
        env["CHAINRULE"] = try binary
        return try run(["-c", script], executable: "/bin/sh", environment: env, directory: directory)
    }

    static func temporaryDirectory(_ tag: String) throws -> URL { try Repository.temporaryDirectory(tag) }

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

    @discardableResult
    static func waitUntil(_ limit: Double = 120, _ condition: () -> Bool) -> Bool { TestSupport.waitUntil(limit, condition) }

    static func which(_ tool: String) -> String? { Repository.which(tool) }

    static func shellQuote(_ s: String) -> String { Repository.shellQuote(s) }
}
