import Foundation
import TestSupport
import Testing

/// The built `chainrule` executable.
let exportChainruleBinary: String? = Repository.chainrule

/// Runs `chainrule` through the shared runner: stdout and stderr into files
/// (so not a terminal), clean environment, time limit.
func exportRunChainrule(_ arguments: [String], in directory: URL) throws -> (status: Int32, out: String, err: String) {
    let r = try ProcessRunner.run(try #require(exportChainruleBinary), arguments, directory: directory)
    return (r.status, r.stdout, r.stderr)
}

@Suite("Export: the command")
struct ExportCommandTests {
    @Test("chainrule export: summary on stdout, nothing on stderr when not a terminal; refuses a foreign file in one line",
          .enabled(if: exportChainruleBinary != nil, "the chainrule executable is not built next to the tests"))
    func command() throws {
        let folder = exportTemporaryFolder("cli")
        let out = folder.appendingPathComponent("out")
        let ok = try exportRunChainrule(["export", "apples", "2", "-o", out.path, "--theme", "print"], in: exportPackageRoot)
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.err.isEmpty, "stderr: \(ok.err)")
        #expect(ok.out.hasPrefix("Exported 2 lessons"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("apples/index.html").path))
        #expect(try exportReadText(out.appendingPathComponent("apples/index.html")).contains("theme-print"))

        // A folder holding someone's index.html: refused, file untouched, one line on stderr.
        let mine = folder.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("hand-made".utf8).write(to: mine.appendingPathComponent("index.html"))
        let refused = try exportRunChainrule(["export", "apples", "-o", mine.path], in: exportPackageRoot)
        #expect(refused.status != 0)
        #expect(refused.err.hasPrefix("error: refusing to overwrite"), "\(refused.err)")
        #expect(refused.err.split(separator: "\n").count == 1, "\(refused.err)")
        #expect(try exportReadText(mine.appendingPathComponent("index.html")) == "hand-made")

        let bad = try exportRunChainrule(["export", "no-such-lesson", "-o", out.path], in: exportPackageRoot)
        #expect(bad.status != 0)
        #expect(bad.err.contains("no-such-lesson"))
        let badFormat = try exportRunChainrule(["export", "apples", "--format", "gif", "-o", out.path], in: exportPackageRoot)
        #expect(badFormat.status != 0)
        #expect(badFormat.err.contains("gif"))
    }
}
