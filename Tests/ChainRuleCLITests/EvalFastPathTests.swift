import Foundation
import Testing

/// `chainrule eval FILE [--json]` skips ArgumentParser (`EvalFastPath`);
/// every outcome must be what the full parser gives. `--` before the file
/// sends the same command through ArgumentParser.
@Suite struct EvalFastPathTests {
    static let cases: [[String]] = [
        ["apples.graph"], ["apples.graph", "--json"], ["--json", "apples.graph"], ["missing.graph"],
        ["missing.graph", "--json"], ["bad.graph"], ["bad.graph", "--json"], ["nonfinite.graph"], ["folder"],
        ["vector.graph", "--json"], ["vector.graph"],
    ]

    @Test(arguments: cases)
    func sameAsArgumentParser(_ arguments: [String]) throws {
        let dir = try Harden.temporaryDirectory("evalfast")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Harden.write("apple = 100\nn = 2\nprice = apple * n\ntax = 1.1\ntotal = price * tax\n", to: dir.appendingPathComponent("apples.graph"))
        try Harden.write("x = 2\ny = x *\n", to: dir.appendingPathComponent("bad.graph"))
        try Harden.write("x = 0\ny = log(x)\n", to: dir.appendingPathComponent("nonfinite.graph"))
        try Harden.write("v = [1, 2]\nW = [[1, 2], [3, 4]]\ny = W @ v\nL = sum(y)\n", to: dir.appendingPathComponent("vector.graph"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        let fast = try Harden.run(["eval"] + arguments, directory: dir)
        let file = arguments.first { !$0.hasPrefix("-") }!
        let full = try Harden.run(["eval"] + arguments.filter { $0 != file } + ["--", file], directory: dir)
        #expect(fast.exited && full.exited)
        #expect(fast.status == full.status)
        #expect(fast.stdout == full.stdout)
        #expect(fast.stderr == full.stderr)
        #expect(!fast.stdout.isEmpty || !fast.stderr.isEmpty)
    }
}
