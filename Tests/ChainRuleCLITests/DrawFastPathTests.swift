import Foundation
import Testing

/// `chainrule draw FILE [-o OUT]` skips ArgumentParser (`DrawFastPath`);
/// every outcome must be what the full parser gives. `--theme light` (the
/// default theme) sends the same command through ArgumentParser.
@Suite struct DrawFastPathTests {
    static let cases: [[String]] = [
        ["apples.graph", "-o", "out.svg"], ["apples.graph", "--output", "out.pdf"], ["apples.graph", "-o", "out.dot"],
        ["apples.graph"], ["missing.graph", "-o", "out.svg"], ["apples.graph", "-o", "out.txt"],
        ["apples.graph", "-o", "noextension"], ["bad.graph", "-o", "out.svg"], ["apples.graph", "-o", "folder"],
        ["apples.graph", "-o", "nowhere/out.svg"],
    ]

    @Test(arguments: cases)
    func sameAsArgumentParser(_ arguments: [String]) throws {
        let dir = try Harden.temporaryDirectory("drawfast")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Harden.write("apple = 100\nn = 2\nprice = apple * n\ntax = 1.1\ntotal = price * tax\n", to: dir.appendingPathComponent("apples.graph"))
        try Harden.write("x = 2\ny = x *\n", to: dir.appendingPathComponent("bad.graph"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        let fast = try Harden.run(["draw"] + arguments, directory: dir)
        let wrote = arguments.count == 3 && fast.status == 0
        let written = wrote ? try Data(contentsOf: dir.appendingPathComponent(arguments[2])) : nil
        if wrote { try FileManager.default.removeItem(at: dir.appendingPathComponent(arguments[2])) }
        let full = try Harden.run(["draw", "--theme", "light"] + arguments, directory: dir)
        #expect(fast.exited && full.exited)
        #expect(fast.status == full.status)
        #expect(fast.stdout == full.stdout)
        #expect(fast.stderr == full.stderr)
        if wrote {
            #expect(written == (try? Data(contentsOf: dir.appendingPathComponent(arguments[2]))), "\(arguments[2])")
        }
    }
}
