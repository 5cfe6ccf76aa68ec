import Foundation
import Testing

/// Rendering is in-process: `chainrule draw` and `chainrule export` work with
/// `PATH` empty, so no `dot` (or any other) program can be found or started.
/// (This runs the binary with its own environment instead of emptying the
/// test process's PATH, which would race with tests that start programs.)
@Suite struct NoSpawnTests {
    @Test(arguments: ["svg", "pdf", "png"])
    func drawWithEmptyPath(format: String) throws {
        let dir = try Harden.temporaryDirectory("nospawn")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write("apple = 100\nn = 2\nprice = apple * n\ntax = 1.1\ntotal = price * tax\n", to: script)
        let out = dir.appendingPathComponent("apples.\(format)")
        let run = try Harden.run(["draw", script.path, "-o", out.path], environment: ["PATH": ""])
        #expect(run.exited && run.status == 0, "\(run.stderr)")
        let bytes = try Data(contentsOf: out)
        #expect(bytes.count > 100)
    }

    @Test func exportWithEmptyPath() throws {
        let dir = try Harden.temporaryDirectory("nospawn-export")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Harden.run(["export", "apples", "-o", dir.path], environment: ["PATH": ""])
        #expect(run.exited && run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("apples/index.html").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("apples/backward-1.pdf").path))
    }
}
