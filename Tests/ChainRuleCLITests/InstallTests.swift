import Foundation
import TestSupport
import Testing

/// `make install PREFIX=…` end to end: the Makefile's install rule puts the
/// binary in `PREFIX/bin`, and the installed `chainrule`, run from an empty
/// folder with a clean environment (no `Lessons` folder, no
/// `CHAINRULE_LESSONS`), lists, plays, exports and draws.
///
/// The test installs the binary this test run built (`INSTALL_BIN`), so it
/// runs the install rule without a second, release build. Slow tier
/// (`SLOW_TESTS` in the Makefile): it exports a whole lesson.
@Suite struct InstallTests {
    static let make = Repository.which("make")

    @Test(.enabled(if: make != nil, "needs make"))
    func installedBinaryListsPlaysExportsAndDrawsFromAnEmptyFolder() throws {
        let built = try Harden.binary
        let prefix = try Harden.temporaryDirectory("prefix")
        let cwd = try Harden.temporaryDirectory("cwd")
        defer {
            try? FileManager.default.removeItem(at: prefix)
            try? FileManager.default.removeItem(at: cwd)
        }
        let install = try Harden.run(["--no-print-directory", "-C", CLI.repository.path, "install",
                                      "PREFIX=\(prefix.path)", "INSTALL_BIN=\(built)"],
                                     executable: Self.make)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        let installed = prefix.appendingPathComponent("bin/chainrule").path
        #expect(install.stdout.contains("Installed \(installed)"))
        #expect(FileManager.default.isExecutableFile(atPath: installed))
        // Only PREFIX/bin/chainrule was written.
        #expect(Harden.files(under: prefix) == ["bin/chainrule"])

        // From the empty folder, nothing to find the lessons by but the binary itself.
        let env = ["HOME": cwd.path, "CHAINRULE_LESSONS": ""]
        func run(_ arguments: [String]) throws -> Harden.Run {
            try Harden.run(arguments, executable: installed, environment: env, directory: cwd)
        }
        let list = try run(["lessons"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("01  apples"))
        #expect(list.stdout.contains("lessons: built into chainrule"))
        #expect(list.stdout.split(separator: "\n").filter { $0.first?.isNumber == true }.count >= 16)

        let play = try run(["lesson", "apples"])
        #expect(play.status == 0, "\(play.stderr)")
        #expect(play.stdout.contains("total = price × tax = 200 × 1.1 = 220"))
        #expect(play.stdout.contains("end of lesson: Buying apples"))

        let export = try run(["export", "apples"])
        #expect(export.status == 0, "\(export.stderr)")
        let output = cwd.appendingPathComponent("Output")
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
        let slideshow = try String(contentsOf: output.appendingPathComponent("apples/index.html"), encoding: .utf8)
        #expect(slideshow.contains("Buying apples"))
        #expect(Harden.exportProblems(in: output).isEmpty, "\(Harden.exportProblems(in: output))")

        try Harden.write("x = 2\ny = x * x\n", to: cwd.appendingPathComponent("square.graph"))
        let draw = try run(["draw", "square.graph", "-o", "square.svg", "--local"])
        #expect(draw.status == 0, "\(draw.stderr)")
        let svg = try String(contentsOf: cwd.appendingPathComponent("square.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("</svg>"))
        #expect(svg.contains("∂y/∂x = x = 2"), "the --local label of the first operand")
    }
}
