import Foundation
import TestSupport
import Testing

/// `chainrule draw` writes the same SVG bytes with ChainRule's SVG number
/// writer (`Sources/CGraphvizGuard/svg_numbers.c`) as with Graphviz's own
/// `gvprintdouble` (`CHAINRULE_GRAPHVIZ_SVG_NUMBERS=off`).
@Suite struct SVGNumbersCLITests {
    @Test(arguments: ["Examples/apples.graph", "docs/gallery/mlp.graph", "docs/gallery/two-layer-digits.graph"])
    func sameSVGWithGraphvizNumbers(_ path: String) throws {
        let script = CLI.repository.appendingPathComponent(path)
        try #require(FileManager.default.fileExists(atPath: script.path), "\(path)")
        for extra in [[], ["--theme", "print", "--legend"]] {
            let ours = try Harden.run(["draw", script.path] + extra)
            let theirs = try Harden.run(["draw", script.path] + extra, environment: ["CHAINRULE_GRAPHVIZ_SVG_NUMBERS": "off"])
            #expect(ours.exited && ours.status == 0, "\(ours.stderr)")
            #expect(theirs.exited && theirs.status == 0, "\(theirs.stderr)")
            #expect(ours.stdout.hasPrefix("<?xml"))
            #expect(ours.stdout == theirs.stdout, "\(path) \(extra)")
        }
    }
}
