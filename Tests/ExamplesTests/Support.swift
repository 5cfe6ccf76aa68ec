import Foundation

/// The package's root folder (this file is Tests/ExamplesTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fenced code block of a Markdown file.
struct CodeBlock: CustomStringConvertible {
    let file: String
    /// 1-based line of the opening fence.
    let line: Int
    let language: String
    /// The lines between the fences, with a final newline.
    let body: String
    var description: String { "\(file):\(line) (```\(language))" }
}

/// Every fenced (```) code block of a Markdown text, with its language.
func codeBlocks(in text: String, file: String) -> [CodeBlock] {
    var blocks: [CodeBlock] = []
    var open: (line: Int, language: String, indent: Int)?
    var body: [Substring] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let trimmed = line.drop { $0 == " " }
        if let o = open {
            if trimmed.hasPrefix("```") && trimmed.dropFirst(3).allSatisfy({ $0 == " " }) {
                blocks.append(CodeBlock(file: file, line: o.line, language: o.language,
                                        body: body.map { $0.dropFirst(min(o.indent, $0.prefix { $0 == " " }.count)) + "\n" }.joined()))
                open = nil
            } else {
                body.append(line)
            }
        } else if trimmed.hasPrefix("```") {
            open = (index + 1, String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces), line.count - trimmed.count)
            body = []
        }
    }
    return blocks
}

/// The text of a file of the package.
func packageFile(_ path: String) throws -> String {
    try String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
}

/// Every file under a folder of the package whose name ends in `suffix`, as package-relative paths.
func packageFiles(under folder: String, endingIn suffix: String) -> [String] {
    let base = packageRoot.appendingPathComponent(folder)
    guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
    return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(suffix) }.sorted().map { folder + "/" + $0 }
}

/// A program built beside this test bundle (`chainrule`, or an example's executable).
func builtProgram(_ name: String) -> String? {
    let fm = FileManager.default
    var folders: [String] = []
    if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        folders.append((exe as NSString).deletingLastPathComponent)
    }
    if let first = CommandLine.arguments.first {
        folders.append((first as NSString).deletingLastPathComponent)
    }
    for folder in folders {
        // The test bundle may sit inside `X.xctest/…`: walk up to the build folder.
        var dir = folder
        while dir.count > 1 {
            let candidate = (dir as NSString).appendingPathComponent(name)
            if fm.isExecutableFile(atPath: candidate) { return candidate }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }
    return nil
}

/// A new empty temporary folder; removed by `removeTemporaryFolder`.
func makeTemporaryFolder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("chainrule-examples-\(getpid())-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Runs a program to completion in `folder`, with stdin from /dev/null.
func run(_ program: String, _ arguments: [String], in folder: URL) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    process.environment = environment
    let outFile = folder.appendingPathComponent(".stdout-\(UUID().uuidString)")
    let errFile = folder.appendingPathComponent(".stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outFile)
        try? FileManager.default.removeItem(at: errFile)
    }
    let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return (process.terminationStatus,
            try String(contentsOf: outFile, encoding: .utf8),
            try String(contentsOf: errFile, encoding: .utf8))
}
