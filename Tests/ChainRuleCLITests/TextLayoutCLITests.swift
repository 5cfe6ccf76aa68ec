import Foundation
import Testing

/// `chainrule draw x.graph -o x.svg` sizes text with ChainRule's built-in
/// DejaVu Sans metrics: the real binary never loads pango, cairo or
/// fontconfig for SVG (the dynamic loader's own log says which libraries it
/// opened), and PDF still draws its text through them.
@Suite struct TextLayoutCLITests {
    static let script = "apple = 100\nn = 2\nprice = apple * n\ntax = 1.1\ntotal = price * tax\n"
    static let textLibraries = ["libpango", "libcairo", "libfontconfig", "libfreetype", "libharfbuzz", "libgvplugin_pango"]

    /// The libraries the dynamic loader opened, from `LD_DEBUG=files`.
    static func loadedLibraries(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line in
            guard let r = line.range(of: "file=") else { return nil }
            let name = line[r.upperBound...].prefix { $0 != " " && $0 != "\t" && $0 != ";" }
            return String(name)
        }
    }

    @Test func svgLoadsNoTextLibraries() throws {
        let dir = try Harden.temporaryDirectory("textlayout-svg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.script, to: script)
        let out = dir.appendingPathComponent("apples.svg")
        let run = try Harden.run(["draw", script.path, "-o", out.path], environment: ["LD_DEBUG": "files"])
        #expect(run.exited && run.status == 0)
        let loaded = Self.loadedLibraries(run.stderr)
        #expect(loaded.contains { $0.contains("libgvc") }, "LD_DEBUG=files lists the libraries: \(loaded)")
        for library in Self.textLibraries {
            #expect(!loaded.contains { $0.contains(library) }, "\(library) loaded for SVG: \(loaded)")
        }
        let svg = try String(contentsOf: out, encoding: .utf8)
        #expect(svg.contains("font-family=\"DejaVu Sans,sans-serif\"") && svg.contains(">total</text>"))
    }

    @Test func pdfStillDrawsTextWithPango() throws {
        let dir = try Harden.temporaryDirectory("textlayout-pdf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.script, to: script)
        let out = dir.appendingPathComponent("apples.pdf")
        let run = try Harden.run(["draw", script.path, "-o", out.path], environment: ["LD_DEBUG": "files"])
        #expect(run.exited && run.status == 0)
        let loaded = Self.loadedLibraries(run.stderr)
        #expect(loaded.contains { $0.contains("libpango") } && loaded.contains { $0.contains("libcairo") }, "\(loaded)")
        let pdf = try Data(contentsOf: out)
        #expect(pdf.starts(with: Data("%PDF".utf8)))
        // The font is embedded: cairo drew the text (DejaVu Sans, subset).
        #expect(String(decoding: pdf, as: UTF8.self).contains("DejaVuSans"))
    }
}
