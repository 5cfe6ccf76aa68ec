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
        // GVBINDIR replaces Graphviz's plugin folder: pointing it at a folder
        // without the plugins (or without their config6a list) breaks every format.
        if !broken.isEmpty || pipeline != nil, let bindir = ProcessInfo.processInfo.environment["GVBINDIR"] {
            lines += ["", "GVBINDIR is set to '\(bindir)': Graphviz loads its plugins (libgvplugin_*.so, listed in config6a) from there only.",
                      "  • Unset it (unset GVBINDIR), or point it at the folder that has them: \(Self.pluginFolderHint)."]
        }
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

    /// Where this process's libgvc expects its plugins: `graphviz/` beside
    /// the loaded libgvc (e.g. /usr/lib/x86_64-linux-gnu/graphviz).
    static var pluginFolderHint: String {
        // The loaded libgvc, from the process's memory map (Linux).
        // (/proc files report size 0: read them to the end, not by their size.)
        if let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/maps")).readToEnd(),
           let maps = String(data: data, encoding: .utf8),
           let line = maps.split(separator: "\n").first(where: { $0.contains("/libgvc.so") }),
           let slash = line.firstIndex(of: "/") {
            let library = URL(fileURLWithPath: String(line[slash...])).resolvingSymlinksInPath()
            return library.deletingLastPathComponent().appendingPathComponent("graphviz").path
        }
        return "the graphviz folder beside libgvc.so (/usr/lib/x86_64-linux-gnu/graphviz on Debian and Ubuntu)"
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
