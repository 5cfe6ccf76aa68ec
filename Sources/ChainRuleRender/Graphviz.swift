// The only file that talks to Graphviz's C libraries (cgraph + gvc).
//
// Graphviz is not thread-safe: it keeps global state (the error level and
// buffer, the graph-discipline tables, plugin caches). Every call below runs
// while holding `GraphvizRuntime.lock`, on the process's single `GVC_t`.
// Every graph, layout and render buffer is released in a `defer`.
// The `dot` program is never spawned: layout and rendering happen in-process.

import CGraphviz
import CGraphvizGuard
import Foundation

/// An output format Graphviz renders to.
public enum GraphvizFormat: String, CaseIterable, Sendable {
    /// Scalable vector graphics, with ids, classes and tooltips on nodes and edges.
    case svg
    /// A one-page PDF (reproducible: its dates are fixed).
    case pdf
    /// A bitmap at `FigureOptions.pngDPI`.
    case png
    /// DOT with layout attributes (`pos`, `width`, `height`, …).
    case dot
    /// Graphviz's simple text format with coordinates.
    case plain
    /// DOT with xdot drawing operations.
    case xdot

    /// The formats a figure can be written as (by `chainrule draw`).
    public static let figureFormats: [GraphvizFormat] = [.svg, .pdf, .png, .dot]

    /// The format for a file name's extension (`figure.svg` → `.svg`), if known.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "svg": self = .svg
        case "pdf": self = .pdf
        case "png": self = .png
        case "dot", "gv": self = .dot
        case "plain", "txt": self = .plain
        case "xdot": self = .xdot
        default: return nil
        }
    }
}

/// A Graphviz layout engine.
package enum GraphvizEngine: String, Sendable {
    /// Hierarchical layout (ranks left to right for our figures).
    case dot
    /// Keeps the positions already in the graph (`pos` on nodes and edges),
    /// like `neato -n2`: used to render frames of a laid-out figure.
    case nop2
}

/// Something went wrong inside Graphviz; `message` is Graphviz's own text.
public struct GraphvizError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What we were doing: "parse", "layout", "render", "context".
    public let stage: String
    /// Graphviz's message (or ours, when it said nothing).
    public let message: String
    public var description: String { stage == FigureBudget.refusalStage ? message : "Graphviz \(stage) failed: \(message)" }
}

/// Node and edge geometry read back from a laid-out graph.
package struct GraphvizLayout: Sendable, Equatable {
    /// The graph's bounding box, `"llx,lly,urx,ury"` in points.
    package var boundingBox: String
    /// Per node, keyed by its `id` attribute (its name when it has none):
    /// `pos` (`"x,y"` in points), `width` and `height` (inches).
    package var nodes: [String: NodeGeometry]
    /// Per edge `id` attribute: the spline `pos` string.
    package var edges: [String: String]
    /// Graph-label position (`lp`), if the graph has a label.
    package var labelPosition: String?
    /// Per cluster subgraph (`cluster_3`): its box (`bb`) and label position (`lp`),
    /// so a pinned frame draws each group's box where the layout put it.
    package var clusters: [String: ClusterGeometry] = [:]

    package struct ClusterGeometry: Sendable, Equatable {
        package var boundingBox: String
        package var labelPosition: String?
    }

    package struct NodeGeometry: Sendable, Equatable {
        package var pos: String
        package var width: String
        package var height: String
        /// The node's `id` attribute, if it has one.
        package var id: String?
    }
}

/// Renders DOT text with Graphviz's C libraries, in this process.
///
/// ```swift
/// let svg = try Graphviz.render(dot: "digraph { a -> b }", format: .svg)
/// ```
package enum Graphviz {
    /// Lays out `dot` with `engine` and renders it as `format`.
    ///
    /// Text is sized by ChainRule's DejaVu Sans metrics (`GraphvizTextMetrics`);
    /// `pangoTextSizes` sizes it with Graphviz's pango plugin instead, as
    /// Graphviz alone would (tests compare the two).
    package static func render(dot: String, engine: GraphvizEngine = .dot, format: GraphvizFormat = .svg,
                               pangoTextSizes: Bool = false) throws(GraphvizError) -> [UInt8] {
        try GraphvizRuntime.shared.withContext { gvc throws(GraphvizError) in
            // Cairo draws the text spans' pango layouts: measure with pango too (sizes from the table).
            let mode: Int32 = pangoTextSizes ? 2 : format == .pdf || format == .png ? 1 : 0
            chainrule_text_layout_set_mode(mode)
            defer { chainrule_text_layout_set_mode(0) }
            let bytes = try withGraph(dot, gvc: gvc, engine: engine) { g throws(GraphvizError) in
                try renderData(gvc, g, format: format.rawValue)
            }
            return format == .pdf ? PDFDate.reproducible(bytes) : bytes
        }
    }

    /// Lays out `dot` once with `engine` and renders it once per entry of
    /// `renders`: in its format, after setting its graph attributes (those
    /// read when rendering, such as `viewport`; `rotate`, which Graphviz reads
    /// when laying out but uses only when rendering, turns the layout landscape
    /// or back, `chainrule_graphviz_set_landscape`). Text is laid out for cairo
    /// when one of the formats is PDF or PNG; its sizes are the table's
    /// either way, so the geometry is the same as separate renders'.
    package static func render(dot: String, engine: GraphvizEngine,
                               renders: [(format: GraphvizFormat, graph: [(String, String)])]) throws(GraphvizError) -> [[UInt8]] {
        try GraphvizRuntime.shared.withContext { gvc throws(GraphvizError) in
            let cairo = renders.contains { $0.format == .pdf || $0.format == .png }
            chainrule_text_layout_set_mode(cairo ? 1 : 0)
            defer { chainrule_text_layout_set_mode(0) }
            return try withGraph(dot, gvc: gvc, engine: engine) { g throws(GraphvizError) in
                var out: [[UInt8]] = []
                for render in renders {
                    for (name, value) in render.graph {
                        var empty: CChar = 0
                        _ = name.withCString { n in value.withCString { v in
                            agsafeset(UnsafeMutableRawPointer(g), UnsafeMutablePointer(mutating: n), UnsafeMutablePointer(mutating: v), &empty)
                        } }
                        if name == "rotate" { chainrule_graphviz_set_landscape(UnsafeMutableRawPointer(g), value == "90" ? 1 : 0) }
                    }
                    let bytes = try renderData(gvc, g, format: render.format.rawValue)
                    out.append(render.format == .pdf ? PDFDate.reproducible(bytes) : bytes)
                }
                return out
            }
        }
    }

    /// Lays out `dot` with the `dot` engine and reads every node's and edge's
    /// geometry back (nodes by name, edges by their `id` attribute).
    ///
    /// The geometry is read from the laid-out graph itself (`attach_attrs`
    /// writes the same `pos`/`width`/`height`/`bb`/`lp` strings the `dot`
    /// output format prints), without printing and re-parsing the graph.
    package static func layout(dot: String) throws(GraphvizError) -> GraphvizLayout {
        try GraphvizRuntime.shared.withContext { gvc throws(GraphvizError) in
            try withGraph(dot, gvc: gvc, engine: .dot) { g throws(GraphvizError) in
                attach_attrs(g)
                return readGeometry(g)
            }
        }
    }

    /// `layout(dot:)`, and, when `render` says so (asked with the geometry),
    /// the SVG of the laid-out graph pinned to that geometry: the bytes `nop2`
    /// renders for the same DOT pinned to it (`chainrule_pin_layout`,
    /// Sources/CGraphvizGuard/pinned_layout.c). Nil SVG when not asked for,
    /// or for a graph that cannot be pinned in memory (clusters, a graph label).
    package static func layoutAndPinnedSVG(dot: String, render: (GraphvizLayout) -> Bool = { _ in true })
        throws(GraphvizError) -> (layout: GraphvizLayout, svg: [UInt8]?) {
        try GraphvizRuntime.shared.withContext { gvc throws(GraphvizError) in
            try withGraph(dot, gvc: gvc, engine: .dot) { g throws(GraphvizError) in
                attach_attrs(g)
                let geometry = readGeometry(g)
                guard render(geometry), chainrule_pin_layout(UnsafeMutableRawPointer(g)) == 1 else { return (geometry, nil) }
                return (geometry, try renderData(gvc, g, format: "svg"))
            }
        }
    }

    /// Whether the guard against Graphviz 2.42's `decompose` crash is in
    /// place, and how many extra `decompose` calls it has made (see
    /// `Sources/CGraphvizGuard/guard.c`).
    package static var crashGuard: (installed: Bool, extraCalls: Int) {
        let installed = (try? GraphvizRuntime.shared.withContext { _ throws(GraphvizError) in
            GraphvizRuntime.shared.guardInstalled
        }) ?? false
        return (installed, chainrule_graphviz_guard_skips())
    }

    /// Whether the SVG renderer writes its numbers without printf (same
    /// bytes, see `Sources/CGraphvizGuard/svg_numbers.c`).
    package static var svgNumbersInstalled: Bool {
        (try? GraphvizRuntime.shared.withContext { _ throws(GraphvizError) in
            GraphvizRuntime.shared.svgNumbersInstalled
        }) ?? false
    }

    /// `x` as Graphviz's SVG renderer writes a coordinate (`svg_numbers.c`).
    package static func svgNumber(_ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBufferPointer { chainrule_svg_number(x, $0.baseAddress!) }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Graphviz's version, e.g. `"2.43.0"`.
    package static var version: String {
        (try? GraphvizRuntime.shared.withContext { gvc throws(GraphvizError) in
            guard let v = gvcVersion(gvc) else { return "unknown" }
            return String(cString: v)
        }) ?? "unavailable"
    }

    /// The result of trying one format.
    package struct FormatCheck: Sendable {
        package let format: GraphvizFormat
        /// `nil` when a small graph rendered; otherwise why not.
        package let error: GraphvizError?
        package var works: Bool { error == nil }
    }

    /// Tries to render a small graph in each format, in-process.
    package static func checkFormats(_ formats: [GraphvizFormat] = GraphvizFormat.allCases) -> [FormatCheck] {
        let probe = "digraph probe { rankdir=LR; a [label=<<B>a</B>>]; a -> b [label=\"1\"]; }"
        return formats.map { format in
            do {
                let bytes = try render(dot: probe, format: format)
                if bytes.isEmpty {
                    return FormatCheck(format: format, error: GraphvizError(stage: "render", message: "empty output"))
                }
                return FormatCheck(format: format, error: nil)
            } catch {
                return FormatCheck(format: format, error: error as? GraphvizError
                                   ?? GraphvizError(stage: "render", message: "\(error)"))
            }
        }
    }

    // MARK: - Under the lock

    /// Parses `dot`, lays it out, runs `body`, and frees layout and graph.
    static func withGraph<T>(_ dot: String, gvc: OpaquePointer, engine: GraphvizEngine,
                                     _ body: (UnsafeMutablePointer<Agraph_t>) throws(GraphvizError) -> T) throws(GraphvizError) -> T {
        try withParsed(dot) { g throws(GraphvizError) in
            GraphvizRuntime.shared.beginCall()
            let status = gvLayout(gvc, g, engine.rawValue)
            defer { gvFreeLayout(gvc, g) }
            if let error = GraphvizRuntime.shared.endCall(stage: "layout", status: status) { throw error }
            return try body(g)
        }
    }

    /// Parses `dot` into a graph, runs `body`, and closes the graph.
    static func withParsed<T>(_ dot: String,
                                      _ body: (UnsafeMutablePointer<Agraph_t>) throws(GraphvizError) -> T) throws(GraphvizError) -> T {
        GraphvizRuntime.shared.beginCall()
        // Clusters are laid out and drawn in the order cgraph keeps them: DOT order with arena memory.
        // (`strstr`, not `String.contains`: Foundation's search was 4 % of an export's CPU and
        // ~420 M instructions on big-graph's 1.7 MB DOT.)
        let parsed = dot.withCString { strstr($0, "subgraph \"cluster") != nil ? GraphvizOrderedRead.read($0) : agmemread($0) }
        if let error = GraphvizRuntime.shared.endCall(stage: "parse", status: parsed == nil ? -1 : 0) {
            if let parsed { agclose(parsed) }
            throw error
        }
        guard let g = parsed else { throw GraphvizError(stage: "parse", message: "no graph in the input") }
        defer { agclose(g) }
        return try body(g)
    }

    static func renderData(_ gvc: OpaquePointer, _ g: UnsafeMutablePointer<Agraph_t>,
                                   format: String) throws(GraphvizError) -> [UInt8] {
        var result: UnsafeMutablePointer<CChar>? = nil
        var length: UInt32 = 0
        GraphvizRuntime.shared.beginCall()
        let status = gvRenderData(gvc, g, format, &result, &length)
        defer { if let result { gvFreeRenderData(result) } }
        if let error = GraphvizRuntime.shared.endCall(stage: "render", status: status) { throw error }
        guard let result else { throw GraphvizError(stage: "render", message: "no output for format \(format)") }
        return result.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }

    private static func attribute(_ object: UnsafeMutableRawPointer, _ name: String) -> String? {
        guard let value = agget(object, strdupName(name)) else { return nil }
        let s = String(cString: value)
        return s.isEmpty ? nil : s
    }

    /// `agget` takes a non-const `char *` name; hand it a stable copy.
    private static func strdupName(_ name: String) -> UnsafeMutablePointer<CChar> {
        GraphvizRuntime.shared.internedName(name)
    }

    static func readGeometry(_ g: UnsafeMutablePointer<Agraph_t>) -> GraphvizLayout {
        var layout = GraphvizLayout(boundingBox: attribute(UnsafeMutableRawPointer(g), "bb") ?? "0,0,0,0",
                                    nodes: [:], edges: [:],
                                    labelPosition: attribute(UnsafeMutableRawPointer(g), "lp"))
        var node = agfstnode(g)
        while let n = node {
            let raw = UnsafeMutableRawPointer(n)
            let id = attribute(raw, "id")
            layout.nodes[id ?? String(cString: agnameof(raw))] = GraphvizLayout.NodeGeometry(
                pos: attribute(raw, "pos") ?? "0,0",
                width: attribute(raw, "width") ?? "0",
                height: attribute(raw, "height") ?? "0",
                id: id)
            var edge = agfstout(g, n)
            while let e = edge {
                let eraw = UnsafeMutableRawPointer(e)
                if let id = attribute(eraw, "id"), let pos = attribute(eraw, "pos") { layout.edges[id] = pos }
                edge = agnxtout(g, e)
            }
            node = agnxtnode(g, n)
        }
        readClusters(g, into: &layout)
        return layout
    }

    /// The boxes of `g`'s cluster subgraphs, nested ones included.
    static func readClusters(_ g: UnsafeMutablePointer<Agraph_t>, into layout: inout GraphvizLayout) {
        var sub = agfstsubg(g)
        while let s = sub {
            let raw = UnsafeMutableRawPointer(s)
            let name = String(cString: agnameof(raw))
            if name.hasPrefix("cluster"), let bb = attribute(raw, "bb") {
                layout.clusters[name] = GraphvizLayout.ClusterGeometry(boundingBox: bb, labelPosition: attribute(raw, "lp"))
            }
            readClusters(s, into: &layout)
            sub = agnxtsubg(s)
        }
    }
}

/// The process's one Graphviz context, its lock and its error buffer.
final class GraphvizRuntime: @unchecked Sendable {
    static let shared = GraphvizRuntime()

    private let lock = NSLock()
    /// Created on first use, under `lock`; never freed (one per process).
    private var context: OpaquePointer?
    private var contextError: GraphvizError?
    /// Whether the guard around dot's `decompose` is in place (Linux x86-64
    /// with the plugin loaded by us first); `CHAINRULE_GRAPHVIZ_GUARD=off`
    /// leaves it out, to reproduce the crash it prevents.
    private(set) var guardInstalled = false
    /// Whether the SVG renderer's `gvprintdouble` is ours (`svg_numbers.c`);
    /// `CHAINRULE_GRAPHVIZ_SVG_NUMBERS=off` leaves Graphviz's (tests compare the two).
    private(set) var svgNumbersInstalled = false
    /// Attribute names handed to `agget` (it wants `char *`), kept for the process's life.
    private var names: [String: UnsafeMutablePointer<CChar>] = [:]

    private init() {}

    /// Runs `body` holding the lock, with the process's `GVC_t`.
    func withContext<T>(_ body: (OpaquePointer) throws(GraphvizError) -> T) throws(GraphvizError) -> T {
        lock.lock()
        defer { lock.unlock() }
        if context == nil && contextError == nil {
            _ = agseterrf(collectGraphvizMessage)
            _ = agseterr(AGWARN)
            // Graphviz switches LC_NUMERIC to "C" around every layout and
            // render and back (gv_fixLocale), freeing locale data that other
            // threads may be reading. With "C" already set, the switch changes
            // nothing. Our DOT and output use C numerics anyway.
            _ = setlocale(LC_NUMERIC, "C")
            beginCall()
            // ChainRule's text layout first (CGraphvizGuard/textlayout.c): SVG never loads pango.
            let created = chainrule_graphviz_context().map(OpaquePointer.init)
            if let created {
                context = created
                _ = endCall(stage: "context", status: 0)
                // Before any layout: Graphviz 2.42's dot crashes after a few
                // hundred layouts in one process (see Sources/CGraphvizGuard).
                if ProcessInfo.processInfo.environment["CHAINRULE_GRAPHVIZ_GUARD"] != "off" {
                    guardInstalled = chainrule_graphviz_guard_install() == 1
                }
                // The SVG renderer's numbers without printf: 8 % of a big figure's render.
                if ProcessInfo.processInfo.environment["CHAINRULE_GRAPHVIZ_SVG_NUMBERS"] != "off" {
                    svgNumbersInstalled = chainrule_graphviz_svg_numbers_install() == 1
                }
            } else {
                contextError = endCall(stage: "context", status: -1)
                    ?? GraphvizError(stage: "context", message: "gvContext() returned NULL")
            }
        }
        if let contextError { throw contextError }
        return try body(context!)
    }

    /// Clears Graphviz's error state before a call. Lock held.
    func beginCall() {
        graphvizMessages = ""
        _ = agreseterrors()
    }

    /// After a call: an error if it failed (non-zero status or an error
    /// reported through `agerr`), carrying Graphviz's message. Lock held.
    func endCall(stage: String, status: Int32) -> GraphvizError? {
        let failed = status != 0 || agerrors() > 0
        let text = graphvizMessages
        graphvizMessages = ""
        _ = agreseterrors()
        guard failed else { return nil }
        return GraphvizError(stage: stage, message: Self.summarize(text))
    }

    func internedName(_ name: String) -> UnsafeMutablePointer<CChar> {
        if let p = names[name] { return p }
        let p = strdup(name)!
        names[name] = p
        return p
    }

    /// Graphviz's messages on one line, errors first.
    static func summarize(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var errors: [String] = []
        for (i, line) in lines.enumerated() where line.hasPrefix("Error") {
            // "Error: Layout type: "dot" not recognized. Use one of:" is followed by
            // the list on its own line, or by nothing when no plugin is loaded.
            guard line.hasSuffix("Use one of:") else { errors.append(line); continue }
            let next = lines.indices.contains(i + 1) ? lines[i + 1] : ""
            let list = next.isEmpty || next.hasPrefix("Error") || next.hasPrefix("Warning") ? nil : next
            errors.append(line + " " + (list ?? "(none: no Graphviz plugin of this kind is loaded)"))
        }
        let chosen = errors.isEmpty ? lines : errors
        let joined = chosen.joined(separator: " ")
        return joined.isEmpty ? "Graphviz reported an error without a message" : joined
    }
}

/// Graphviz's messages since the last `beginCall`; only touched with
/// `GraphvizRuntime`'s lock held (every Graphviz call is made under it).
nonisolated(unsafe) private var graphvizMessages = ""

/// Installed with `agseterrf`: Graphviz hands every warning and error to it
/// (in pieces: "Error", ": ", the message) instead of printing to stderr.
private let collectGraphvizMessage: @convention(c) (UnsafeMutablePointer<CChar>?) -> Int32 = { message in
    if let message { graphvizMessages += String(cString: message) }
    return 0
}
