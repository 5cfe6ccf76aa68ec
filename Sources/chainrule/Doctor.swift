import ArgumentParser
import ChainRule
import ChainRuleRender
import Foundation

/// `chainrule doctor`: is Graphviz usable in-process, and which formats render?
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report the Graphviz version and which output formats work.",
        discussion: "Every check runs in-process through Graphviz's libraries (libgvc, libcgraph); no program is run."
    )

    func run() throws {
        var lines = ["Graphviz \(Graphviz.version) (in-process: libgvc + libcgraph)", "", "Formats:"]
        let checks = Graphviz.checkFormats()
        for check in checks {
            let name = check.format.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
            lines.append("  \(name) " + (check.works ? "ok" : "FAILED — \(check.error!.message)"))
        }
        let pipeline = figurePipeline()
        lines.append("")
        lines.append("Figures (dot layout, frames pinned with nop2): " + (pipeline == nil ? "ok" : "FAILED — \(pipeline!)"))

        let figureFormats = Set(GraphvizFormat.figureFormats)
        let broken = checks.filter { !$0.works && figureFormats.contains($0.format) }.map(\.format.rawValue)
        if !broken.isEmpty || pipeline != nil {
            lines += ["", "Some formats do not render (\((broken.isEmpty ? ["figures"] : broken).joined(separator: ", "))). To fix:",
                      "  • Install Graphviz's libraries and plugins: sudo apt-get install libgraphviz-dev libgvc6",
                      "    (PNG and PDF need the cairo/pango plugin, libgvplugin_pango, shipped in libgvc6).",
                      "  • Register the plugins (rebuilds Graphviz's config6a plugin list), once, as root:",
                      "      sudo dot -c",
                      "  • Then run chainrule doctor again."]
        }
        print(lines.joined(separator: "\n"))
        if !broken.isEmpty || pipeline != nil { throw ExitCode.failure }
    }

    /// Lays out and renders a tiny figure the way `draw` and `export` do; `nil` if it works.
    func figurePipeline() -> String? {
        do {
            var g = Graph()
            let x = g.leaf("x", 2)
            let y = try g.apply(.mul, x, x, name: "y")
            let figure = try Figure(try g.forward().backward(from: y))
            let layout = try FigureLayout(figure)
            _ = try layout.render(.unknown)
            _ = try layout.render(.complete)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
