import ChainRule
import ChainRuleSupport
import Foundation

/// SVG frames of a pinned layout, assembled from Graphviz's own output.
///
/// A pinned frame's SVG (engine `nop2`, `outputorder=edgesfirst`) is a
/// header (the `<svg>` element, the graph's group, background and legend —
/// the same in every frame), then one fragment per edge and per node, each
/// `<!-- title -->` + `<g id="…">…</g>`, always in the same order, then a
/// footer. Each fragment is a function of that object's DOT statement only,
/// and a statement depends on the frame only through a few facts about the
/// object: highlighted or not, value shown, gradient shown, override text
/// (`State`). So each fragment is rendered by Graphviz once per state it is
/// seen in and reused: a frame whose objects are all cached is one pass of
/// byte copying; otherwise only the unseen objects (and the ends of unseen
/// edges) are written as DOT and rendered by Graphviz. The result is the
/// bytes Graphviz renders for the whole frame (tests compare the two).
///
/// This also keeps memory flat over many frames: Graphviz 2.43 leaks ~4 KB
/// per render in its HTML-label code (`htmlparse`, `sizeArray`, pango's
/// markup parser; see Benchmarks/README.md), and cached frames do not call it.
final class FrameCache: @unchecked Sendable {
    /// What a frame changes about one object.
    struct State: Hashable {
        var bits: UInt8
        var override: EdgeLabelOverride?
    }

    /// What an object's statement depends on.
    enum Dependency {
        case node(NodeID)             // node, constant, output box: highlight, value, any gradient
        case label(FigureEdge)        // edge label: highlight, value, gradient, override
        case flow(FigureEdge)         // edge into / out of a label: highlight
        case fixed                    // fork points, constant edges
    }

    private struct Object {
        let id: String
        let dependency: Dependency
        var fragments: [State: [UInt8]] = [:]
        /// The DOT statement written for each state with a fragment, where known (for `FrameLabelSwap`).
        var statements: [State: [UInt8]] = [:]

        /// The fragment and statement of an object that has exactly one state.
        var only: ([UInt8], [UInt8])? {
            guard fragments.count == 1, let (state, fragment) = fragments.first, let statement = statements[state] else { return nil }
            return (fragment, statement)
        }

        /// Keeps `fragment` (and its statement) for `state`, forgetting every state when there are too many.
        mutating func keep(_ fragment: [UInt8], _ statement: [UInt8]?, for state: State) {
            if fragments.count >= FrameCache.maxStatesPerObject { fragments.removeAll(); statements.removeAll() }
            fragments[state] = fragment
            statements[state] = statement
        }
    }

    private let lock = NSLock()
    private var prepared = false
    /// False when the SVG did not split as expected: every frame goes to Graphviz.
    private var usable = true
    private var header: [UInt8] = []
    private var footer: [UInt8] = []
    private var objects: [Object] = []
    private var index: [String: Int] = [:]
    private var edgeEnds: [String: (String, String)] = [:]
    /// Object `id` → the graph node whose statements write it: a partial frame writes only those nodes.
    private var owners: [String: Int] = [:]
    /// Edges leaving each node (for "is any of its gradients shown").
    private var edgesFrom: [NodeID: [FigureEdge]] = [:]
    /// At most this many states per object (overrides are free text).
    static let maxStatesPerObject = 32
    /// Whether new states may be made by swapping texts (`FrameLabelSwap`); tests turn it off for reference renders.
    var swapText = true

    /// Fragments made by swapping texts, objects rendered by Graphviz after the first frame,
    /// and whether the first frame came from the layout pass (for tests).
    private(set) var counts = (swapped: 0, rendered: 0, fromLayoutPass: false)

    /// The layout pass's SVG of the finished pass, pinned (`Graphviz.layoutAndPinnedSVG`), and
    /// the DOT it was laid out from: the first frame is made from it (`fromLayoutPass`), then it is dropped.
    struct LayoutPass {
        let svg: [UInt8]
        let dot: String
    }

    private var layoutPass: LayoutPass?

    /// Gives the cache the layout pass's render, before any frame is asked for.
    func keep(_ pass: LayoutPass) {
        lock.withLock { if !prepared { layoutPass = pass } }
    }

    /// Whether frames come from the cache, and how many objects it knows (for tests).
    var status: (usable: Bool, objects: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (prepared && usable, objects.count)
    }

    /// A frame as SVG, or nil when this figure's SVG cannot be cached.
    func svg(_ layout: FigureLayout, _ frame: FigureFrame) throws(GraphvizError) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        if !prepared {
            prepared = true
            return try prepare(layout, frame)
        }
        guard usable else { return nil }
        var states = [State](repeating: State(bits: 0), count: objects.count)
        var missing: [Int] = []
        var size = header.count + footer.count
        for i in objects.indices {
            let s = state(objects[i].dependency, layout.figure, frame)
            states[i] = s
            if let f = objects[i].fragments[s] { size += f.count } else { missing.append(i) }
        }
        let swapsBefore = counts.swapped
        if !missing.isEmpty && swapText {
            // Objects whose text alone changed: edit a cached fragment (`FrameLabelSwap`).
            let made = derive(missing, states, layout, frame)
            missing.removeAll { made.contains($0) }
        }
        if !missing.isEmpty {
            counts.rendered += missing.count
            try fill(missing, states, layout, frame)
            guard usable else { return nil }
        }
        var out: [UInt8] = []
        out.reserveCapacity(size + 64)
        out += header
        for i in objects.indices { out += objects[i].fragments[states[i]]! }
        out += footer
        if counts.swapped > swapsBefore, Self.swapCheck.enabled {
            let reference = try Graphviz.render(dot: layout.dot(frame, for: .svg), engine: .nop2, format: .svg)
            Self.swapCheck.record(matches: reference == out, layout.figure, frame)
        }
        return out
    }

    /// Tests: every frame that used a swapped fragment is compared with the
    /// frame Graphviz renders whole (`enabled`), and mismatches are kept.
    package final class SwapCheck: @unchecked Sendable {
        private let lock = NSLock()
        private var on = false
        private var checked = 0
        private var failed: [String] = []

        package var enabled: Bool {
            get { lock.withLock { on } }
            set { lock.withLock { on = newValue } }
        }

        /// Frames compared, and a description of each that differed.
        package var results: (checked: Int, mismatches: [String]) { lock.withLock { (checked, failed) } }

        package func reset() { lock.withLock { checked = 0; failed = [] } }

        func record(matches: Bool, _ figure: Figure, _ frame: FigureFrame) {
            lock.withLock {
                checked += 1
                if !matches { failed.append("\(figure.graph.nodes.count)-node figure (\(figure.graph.nodes.map { $0.name ?? "_" }.joined(separator: ","))), frame \(frame)") }
            }
        }
    }

    /// The check of swapped frames (off unless a test turns it on).
    package static let swapCheck = SwapCheck()

    private func state(_ dependency: Dependency, _ figure: Figure, _ frame: FigureFrame) -> State {
        switch dependency {
        case .fixed:
            return State(bits: 0)
        case .flow(let e):
            return State(bits: frame.highlightedEdges.contains(e) ? 1 : 0)
        case .node(let n):
            var bits: UInt8 = frame.highlightedNodes.contains(n) ? 1 : 0
            if frame.values?.contains(n) ?? true { bits |= 2 }
            if let g = frame.gradients {
                if edgesFrom[n, default: []].contains(where: { g.contains($0) }) { bits |= 4 }
            } else {
                bits |= 4
            }
            return State(bits: bits)
        case .label(let e):
            var bits: UInt8 = frame.highlightedEdges.contains(e) ? 1 : 0
            if frame.values?.contains(e.from) ?? true { bits |= 2 }
            if frame.gradients?.contains(e) ?? true { bits |= 4 }
            return State(bits: bits, override: frame.overrides[e])
        }
    }

    /// Makes fragments for the objects at `missing` from ones cached in other
    /// states by swapping texts (`FrameLabelSwap`); returns the objects made.
    private func derive(_ missing: [Int], _ states: [State], _ layout: FigureLayout, _ frame: FigureFrame) -> Set<Int> {
        // Objects with a fragment (and its statement) in a state highlighted alike, and no override.
        let candidates = missing.filter { i in
            switch objects[i].dependency {
            case .node, .label: return states[i].override == nil && source(i, states[i]) != nil
            case .flow, .fixed: return false
            }
        }
        guard !candidates.isEmpty else { return [] }
        let (dot, _, _) = layout.figure.partialDOT(frame, pinnedTo: layout.geometry,
                                                   include: Set(candidates.map { objects[$0].id }), owners: owners)
        let lines = Self.statements(dot)
        var made = Set<Int>()
        for i in candidates {
            guard let new = lines[objects[i].id], let (fragment, old) = source(i, states[i]),
                  let swapped = FrameLabelSwap.swap(fragment, old: old, new: new) else { continue }
            objects[i].keep(swapped, new, for: states[i])
            counts.swapped += 1
            made.insert(i)
        }
        return made
    }

    /// A cached fragment of object `i`, and its statement, that `state` may be swapped from.
    private func source(_ i: Int, _ state: State) -> ([UInt8], [UInt8])? {
        for (s, statement) in objects[i].statements where s.override == nil && s.bits & 1 == state.bits & 1 {
            if let fragment = objects[i].fragments[s] { return (fragment, statement) }
        }
        return nil
    }

    /// Each statement line of `dot` by its object's `id`.
    static func statements(_ dot: String) -> [String: [UInt8]] {
        let bytes = Array(dot.utf8)
        let marker = Array(", id=\"".utf8), first = Array("[id=\"".utf8)
        var out: [String: [UInt8]] = [:]
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = Array(bytes[start..<end])
            if line.starts(with: Array("  \"".utf8)),
               let at = (firstIndex(of: marker, in: line).map { $0 + marker.count } ?? firstIndex(of: first, in: line).map { $0 + first.count }),
               let close = line[at...].firstIndex(of: UInt8(ascii: "\"")) {
                out[String(decoding: line[at..<close], as: UTF8.self)] = line
            }
            start = end + 1
        }
        return out
    }

    /// The first frame: made from the layout pass's render (`layoutPass`)
    /// when it can be, otherwise rendered whole; learns the structure and keeps every fragment.
    private func prepare(_ layout: FigureLayout, _ frame: FigureFrame) throws(GraphvizError) -> [UInt8] {
        let figure = layout.figure
        let (dot, ends, owned) = figure.partialDOT(frame, pinnedTo: layout.geometry, include: nil)
        edgeEnds = ends
        owners = owned
        let dependencies = self.dependencies(figure, ends)
        let lines = swapText ? Self.statements(dot) : [:]
        if let pass = layoutPass, swapText, !figure.options.legend {
            layoutPass = nil
            if let bytes = fromLayoutPass(pass, dependencies, lines, figure, layout.geometry, frame) {
                counts.fromLayoutPass = true
                if Self.swapCheck.enabled {
                    let reference = try Graphviz.render(dot: dot, engine: .nop2, format: .svg)
                    Self.swapCheck.record(matches: reference == bytes, figure, frame)
                }
                return bytes
            }
        }
        layoutPass = nil
        let bytes = try Graphviz.render(dot: dot, engine: .nop2, format: .svg)
        // With a legend (a graph label), `nop2` offsets a partial frame's
        // objects by the label's height: not cacheable yet, Graphviz renders.
        guard !figure.options.legend, let split = Self.split(bytes),
              learn(split, dependencies, lines, figure, frame) else { usable = false; return bytes }
        return bytes
    }

    /// What each object's statement depends on, by object `id`.
    private func dependencies(_ figure: Figure, _ ends: [String: (String, String)]) -> [String: Dependency] {
        var dependencies: [String: Dependency] = [:]
        for node in figure.graph.nodes {
            dependencies["node-\(node.id.index)"] = .node(node.id)
            dependencies["output-\(node.id.index)"] = .node(node.id)
            dependencies["fork-\(node.id.index)"] = .fixed
        }
        for e in figure.edges {
            edgesFrom[e.from, default: []].append(e)
            dependencies[e.key] = .label(e)
            dependencies[e.key + "-in"] = .flow(e)
            dependencies[e.key + "-out"] = .flow(e)
        }
        for id in ends.keys where id.hasPrefix("const-") { dependencies[id] = .fixed }
        for (tail, _) in ends.values where tail.contains("-use-") {  // copies of a split leaf (SplitLeaf.swift)
            if let i = Int(tail.dropFirst(5).prefix { $0.isNumber }) { dependencies[tail] = .node(NodeID(i)) }
        }
        return dependencies
    }

    /// Keeps the header, footer and every fragment of a whole frame (`frame`,
    /// whose statements are `lines`); false when an object is unknown or seen twice.
    private func learn(_ split: (header: ArraySlice<UInt8>, fragments: [(String, ArraySlice<UInt8>)], footer: ArraySlice<UInt8>),
                       _ dependencies: [String: Dependency], _ lines: [String: [UInt8]],
                       _ figure: Figure, _ frame: FigureFrame) -> Bool {
        header = Array(split.header)
        footer = Array(split.footer)
        for (id, fragment) in split.fragments {
            guard let dependency = dependencies[id], index[id] == nil else { return false }
            index[id] = objects.count
            var object = Object(id: id, dependency: dependency)
            object.keep(Array(fragment), lines[id], for: state(dependency, figure, frame))
            objects.append(object)
        }
        return true
    }

    /// The first frame made from the layout pass's pinned render of the
    /// finished pass: its fragments, with texts swapped where `frame`'s
    /// statements (`lines`) differ. Nil, with nothing kept, when a fragment
    /// cannot be swapped (a highlight, an override): Graphviz renders the frame.
    private func fromLayoutPass(_ pass: LayoutPass, _ dependencies: [String: Dependency], _ lines: [String: [UInt8]],
                                _ figure: Figure, _ geometry: GraphvizLayout, _ frame: FigureFrame) -> [UInt8]? {
        func forget() -> [UInt8]? {
            header = []; footer = []; objects = []; index = [:]; counts.swapped = 0
            return nil
        }
        guard let split = Self.split(pass.svg), learn(split, dependencies, Self.pinnedStatements(pass.dot, geometry, dependencies), figure, .complete) else {
            return forget()
        }
        var out = header
        out.reserveCapacity(pass.svg.count + 4096)
        for i in objects.indices {
            let s = state(objects[i].dependency, figure, frame)
            if objects[i].fragments[s] == nil {
                guard s.override == nil, let new = lines[objects[i].id], let (fragment, old) = objects[i].only,
                      let swapped = FrameLabelSwap.swap(fragment, old: old, new: new) else { return forget() }
                objects[i].keep(swapped, new, for: s)
                counts.swapped += 1
            }
            out += objects[i].fragments[s]!
        }
        return out + footer
    }

    /// The statements of the layout pass's DOT as a pinned frame writes them
    /// (`FrameLabelSwap` compares statements without their geometry; edge
    /// labels' rules also get their pinned width, `LabelGrid.pinningRule`).
    private static func pinnedStatements(_ dot: String, _ geometry: GraphvizLayout,
                                         _ dependencies: [String: Dependency]) -> [String: [UInt8]] {
        var lines = statements(dot)
        for (id, line) in lines {
            guard case .label? = dependencies[id], let label = geometry.nodes[id] else { continue }
            lines[id] = LabelGrid.pinningRule(line, width: LabelGrid.ruleWidth(label))
        }
        return lines
    }

    /// Renders the objects at `missing` (and the ends of missing edges) in their states for this frame.
    private func fill(_ missing: [Int], _ states: [State], _ layout: FigureLayout,
                      _ frame: FigureFrame) throws(GraphvizError) {
        var include = Set<String>()
        for i in missing {
            let id = objects[i].id
            include.insert(id)
            if let (tail, head) = edgeEnds[id] { include.insert(tail); include.insert(head) }
        }
        let (dot, _, _) = layout.figure.partialDOT(frame, pinnedTo: layout.geometry, include: include, owners: owners)
        let bytes = try Graphviz.render(dot: dot, engine: .nop2, format: .svg)
        guard let split = Self.split(bytes) else { usable = false; return }
        let lines = swapText ? Self.statements(dot) : [:]
        var got = Set<String>()
        for (id, fragment) in split.fragments {
            guard let i = index[id] else { usable = false; return }
            got.insert(id)
            objects[i].keep(Array(fragment), lines[id], for: states[i])
        }
        if got != include { usable = false }
    }

    /// Splits Graphviz SVG into header, per-object fragments (by `id`) and footer.
    static func split(_ svg: [UInt8]) -> (header: ArraySlice<UInt8>, fragments: [(String, ArraySlice<UInt8>)],
                                          footer: ArraySlice<UInt8>)? {
        let comment = Array("\n<!-- ".utf8)
        let groupStart = Array("<g id=\"".utf8)
        let footerText = Array("</g>\n</svg>\n".utf8)
        guard let svgStart = find(Array("<svg ".utf8), in: svg, from: 0),
              svg.count >= footerText.count,
              Array(svg[(svg.count - footerText.count)...]) == footerText else { return nil }
        let end = svg.count - footerText.count
        var starts: [Int] = []
        var at = svgStart
        while let c = find(comment, in: svg, from: at), c < end {
            starts.append(c + 1)
            at = c + 1
        }
        guard let first = starts.first else { return nil }
        var fragments: [(String, ArraySlice<UInt8>)] = []
        for (k, s) in starts.enumerated() {
            let stop = k + 1 < starts.count ? starts[k + 1] : end
            let fragment = svg[s..<stop]
            // The line after the comment opens the object's group: `<g id="…"`.
            guard let nl = fragment.firstIndex(of: UInt8(ascii: "\n")),
                  svg[(nl + 1)...].starts(with: groupStart) else { return nil }
            let idStart = nl + 1 + groupStart.count
            guard let quote = svg[idStart..<stop].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            // Graphviz writes `-` as `&#45;`; our ids are ASCII letters, digits and `-`.
            let id = unescapedID(svg[idStart..<quote])
            fragments.append((id, fragment))
        }
        return (svg[..<first], fragments, svg[end...])
    }

    /// An `id` as written by Graphviz: `-` is `&#45;`.
    private static func unescapedID(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i...].starts(with: "&#45;".utf8) { out.append(UInt8(ascii: "-")); i += 5 } else { out.append(bytes[i]); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        firstIndex(of: needle, in: hay, from: from)
    }
}
