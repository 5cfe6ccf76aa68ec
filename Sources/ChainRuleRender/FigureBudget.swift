import ChainRule

/// How much work a figure is for Graphviz's `dot` layout, decided before any
/// layout runs: draw it (with attributes tuned to its size) or refuse it.
///
/// `dot`'s cost grows with the nodes it places, *including* the virtual
/// nodes it threads through every rank a long edge crosses (a leaf reused by
/// 64 statements of a chain puts 40,000 of them into the layout: it did not
/// finish in 5 minutes), and with the number of ranks (network simplex
/// builds its spanning tree rank by rank: a 1,000-deep chain of 3,000 nodes
/// costs more than a 2,500-node MLP of 93 ranks). The budget estimates both
/// from the figure's own DOT graph — every node ranked as late as its uses
/// allow, inputs in the first column where the figure pins them — and the
/// **work** `W × (W + 18 R)`, with `W` = Graphviz nodes + virtual nodes and
/// `R` = ranks (fitted to `dot` CPU times measured on this machine, see
/// Benchmarks/README.md). Every decision is a deterministic function of the
/// graph (no clocks), so output stays byte-for-byte reproducible.
///
/// - work ≤ `maxWork` (120 million): drawn. The largest shapes allowed take
///   ≈ 2–5 s of CPU in `dot` and < 100 MB (micrograd's MLP(4, [16, 16, 1]),
///   2,500 Graphviz nodes: 94 million; a 1,000-deep chain: 117 million).
/// - more, or a script of more than `maxOperations` nodes: refused at once
///   with a message naming the size and the ways out (`--focus`, `--collapse`).
///
/// Leaves used many times far apart (weights reused by every statement of a
/// chain) are drawn as one copy per use, each labelled with the leaf's name
/// (`splitLeaves`); the first copy keeps the trunk with the summed gradient.
public struct FigureBudget: Sendable, Equatable {
    /// The most layout work (`W × (W + 18 R)`) drawn.
    public static let maxWork = 120_000_000
    /// The weight of a rank in `work`.
    public static let rankFactor = 18
    /// Scripts with more nodes than this are refused before any DOT is written.
    public static let maxOperations = 4_000
    /// A leaf is split into per-use copies when it has at least this many uses…
    public static let splitMinimumUses = 3
    /// …and its uses lie more than this many operations apart (or it has more than `splitAlwaysUses`).
    public static let splitDepthSpread = 4
    /// A leaf used more than this many times is always drawn once per use.
    public static let splitAlwaysUses = 16

    /// Nodes of the engine's graph (leaves, constants, operations).
    public let graphNodes: Int
    /// Nodes and edges of the DOT graph (labels, forks, copies included); 0 if not counted.
    public let graphvizNodes: Int
    /// Edges of the DOT graph; 0 if not counted.
    public let graphvizEdges: Int
    /// Ranks (columns) of the estimated layout.
    public let ranks: Int
    /// Virtual nodes `dot` adds for edges that cross ranks (estimated).
    public let virtualNodes: Int
    /// `graphvizNodes + virtualNodes`: what `dot` places.
    public var weight: Int { graphvizNodes + virtualNodes }
    /// The estimated layout work, `weight × (weight + 18 × ranks)`.
    public var work: Int { weight * (weight + Self.rankFactor * ranks) }
    /// The `dot` attributes chosen for this size.
    public let tuning: LayoutTuning
    /// Why the figure is refused, or `nil` when it is drawn.
    public let refusal: String?

    /// Measures `figure` (writes its DOT once, without laying it out).
    /// A figure whose `lowerBound` is already over the limit is refused
    /// without writing its DOT (a deep or wide script is refused in
    /// milliseconds, not after labelling thousands of edges).
    public init(_ figure: Figure) {
        let n = figure.graph.nodes.count
        if n <= Self.maxOperations, let early = Self.refusedFromGraph(figure) {
            self = early
            return
        }
        self.init(shape: n > Self.maxOperations ? nil : figure.dotShape(), graphNodes: n)
    }

    /// The refusal of a figure whose `lowerBound` is already over the limit
    /// (decided without writing its DOT), or nil: measure its DOT.
    package static func refusedFromGraph(_ figure: Figure) -> FigureBudget? {
        let bound = lowerBound(figure)
        let work = bound.weight * (bound.weight + rankFactor * bound.ranks)
        guard work > maxWork else { return nil }
        return FigureBudget(graphNodes: figure.graph.nodes.count, graphvizNodes: bound.weight, ranks: bound.ranks,
                            tuning: LayoutTuning.forWork(work),
                            refusal: "the figure is too large to lay out: at least \(count(bound.weight)) Graphviz nodes in "
                                + "\(count(bound.ranks)) columns (estimated layout work at least \(millions(work)), "
                                + "limit \(millions(maxWork))). " + wayOut)
    }

    /// A budget decided from the graph alone (no DOT written: no edges counted, no virtual nodes).
    private init(graphNodes: Int, graphvizNodes: Int, ranks: Int, tuning: LayoutTuning, refusal: String?) {
        self.graphNodes = graphNodes
        self.graphvizNodes = graphvizNodes
        self.graphvizEdges = 0
        self.ranks = ranks
        self.virtualNodes = 0
        self.tuning = tuning
        self.refusal = refusal
    }

    /// What any DOT of `figure` has at least, from the graph alone: a node
    /// per leaf and operation plus a label per edge between them (constants
    /// may be drawn inside their operation), and a column per operation on
    /// the longest path. `tests` check it never exceeds the written DOT's
    /// shape, so refusing on it refuses nothing the full estimate would draw.
    package static func lowerBound(_ figure: Figure) -> (weight: Int, ranks: Int) {
        let graph = figure.graph
        var depth = [Int](repeating: 0, count: graph.nodes.count)
        var nodes = 0, edges = 0, longest = 0
        for node in graph.nodes where node.kind != .constant {
            nodes += 1
            for input in node.inputs where graph[input].kind != .constant {
                edges += 1
                depth[node.id.index] = max(depth[node.id.index], depth[input.index] + 1)
            }
            longest = max(longest, depth[node.id.index])
        }
        return (nodes + edges, longest + 1)
    }

    /// `430 million`.
    static func millions(_ n: Int) -> String {
        n >= 1_000_000 ? "\(count((n + 500_000) / 1_000_000)) million" : count(n)
    }

    /// How to draw a smaller figure.
    public static let wayOut = "Draw part of it with --focus NAME [--radius K], or fold it with --collapse neurons|layers"

    /// Thousands separated by commas: `12,345`.
    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// Ranks and virtual nodes of `dot`'s layout, estimated: each node as
    /// late as its successors allow (sources sit just before their first
    /// use, as network simplex puts them), pinned inputs in rank 0.
    static func estimate(_ shape: DOTShape) -> (ranks: Int, virtual: Int) {
        let n = shape.nodes.count
        guard n > 0 else { return (0, 0) }
        var index: [String: Int] = [:]
        for (i, name) in shape.nodes.enumerated() { index[name] = i }
        var out = [[Int]](repeating: [], count: n)
        var indegree = [Int](repeating: 0, count: n)
        var pairs: [(Int, Int)] = []
        for (a, b) in shape.edges {
            guard let i = index[a], let j = index[b], i != j else { continue }
            out[i].append(j)
            indegree[j] += 1
            pairs.append((i, j))
        }
        // Longest path from the sources (Kahn's order).
        var rank = [Int](repeating: 0, count: n)
        var order: [Int] = []
        order.reserveCapacity(n)
        var queue = (0..<n).filter { indegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let v = queue[head]; head += 1
            order.append(v)
            for w in out[v] {
                rank[w] = max(rank[w], rank[v] + 1)
                indegree[w] -= 1
                if indegree[w] == 0 { queue.append(w) }
            }
        }
        // Pull every unpinned node as late as its successors allow.
        let pinned = Set(shape.pinnedFirst.compactMap { index[$0] })
        for v in order.reversed() where !out[v].isEmpty && !pinned.contains(v) {
            rank[v] = out[v].map { rank[$0] }.min()! - 1
        }
        let low = rank.min() ?? 0
        let high = rank.max() ?? 0
        var virtual = 0
        for (i, j) in pairs { virtual += max(0, abs(rank[j] - rank[i]) - 1) }
        return (high - low + 1, virtual)
    }

    /// The leaves of `figure` drawn as one copy per use.
    public static func splitLeaves(_ figure: Figure) -> Set<NodeID> {
        let graph = figure.graph
        var depth = [Int](repeating: 0, count: graph.nodes.count)
        for node in graph.nodes where !node.inputs.isEmpty {
            depth[node.id.index] = 1 + node.inputs.map { depth[$0.index] }.max()!
        }
        var split: Set<NodeID> = []
        for node in graph.nodes where node.kind == .leaf {
            let uses = figure.consumers[node.id.index]
            guard uses.count >= splitMinimumUses else { continue }
            let depths = uses.map { depth[$0.node.index] }
            if uses.count > splitAlwaysUses || depths.max()! - depths.min()! > splitDepthSpread { split.insert(node.id) }
        }
        return split
    }
}

/// `dot` attributes chosen by a figure's size: full quality for small
/// figures, bounded crossing minimisation and network simplex for big ones.
public struct LayoutTuning: Sendable, Hashable {
    /// A short name for reports (`quality`, `bounded`, `fast`).
    public let name: String
    /// Graph attributes, sorted by name.
    public let attributes: [String: String]

    /// Graphviz's defaults: the best crossings for teaching-size figures,
    /// which are also fitted to a slide when they read under 10 px (`SlideFit`).
    public static let quality = LayoutTuning(name: "quality", attributes: [:])
    /// Graphviz's defaults, laid out once: a figure this big (8–25 million of
    /// work, ~1,000 Graphviz nodes) reads far under 10 px whole however it is
    /// tightened, so slide fitting would only double or triple its layout time.
    public static let defaults = LayoutTuning(name: "defaults", attributes: [:])
    /// Graphviz's newer ranking (`newrank`) and fewer crossing-minimisation passes.
    ///
    /// `newrank=true` is the option that pays on big networks (Benchmarks/README.md,
    /// tuning table): on a 2,500-node MLP it cut `dot` from 6.4 s to 1.7 s of CPU
    /// with fewer crossings and a squarer figure, because the x-coordinate network
    /// simplex converges in far fewer iterations. `nslimit` and `searchsize` barely
    /// moved the time; `nslimit` below 1 stops that simplex early and bends chains.
    public static let bounded = LayoutTuning(name: "bounded", attributes: ["mclimit": "0.5", "newrank": "true"])
    /// The cheapest layout that still ranks and orders properly: `newrank`,
    /// crossing minimisation cut to a fifth, network simplex capped at twice
    /// the node count (a 1,000-deep chain needs ~1,000 iterations: still straight).
    public static let fast = LayoutTuning(name: "fast", attributes: ["mclimit": "0.2", "newrank": "true", "nslimit": "2", "nslimit1": "2"])

    /// The most work fitted to a slide (`quality`); up to 25 million `defaults`.
    public static let fitLimit = 8_000_000

    /// Work thresholds: up to 8 million quality (fitted), up to 25 million
    /// defaults, up to 60 million bounded, then fast.
    public static func forWork(_ work: Int) -> LayoutTuning {
        work <= fitLimit ? .quality : work <= 25_000_000 ? .defaults : work <= 60_000_000 ? .bounded : .fast
    }
}

/// A figure's DOT graph, structurally: node ids, edges between them and the
/// inputs pinned to the first column (from one DOT write).
struct DOTShape {
    var nodes: [String]
    var edges: [(String, String)]
    var pinnedFirst: [String]
}

extension FigureBudget {
    /// The `GraphvizError.stage` of a refusal (its description is the message alone).
    public static let refusalStage = "size"

    /// The budget of `figure`, or the refusal as a `GraphvizError`.
    static func checked(_ figure: Figure) throws(GraphvizError) -> FigureBudget {
        let budget = FigureBudget(figure)
        if let refusal = budget.refusal { throw GraphvizError(stage: refusalStage, message: refusal) }
        return budget
    }
}

extension FigureBudget {
    /// The budget of DOT text this package wrote (e.g. a collapsed figure):
    /// nodes, edges and a `rank=min` group read from its statements.
    public init(dot: String, graphNodes: Int) {
        self.init(shape: DOTShape(parsing: dot), graphNodes: graphNodes)
    }

    /// `shape` nil: a graph of more than `maxOperations` nodes, refused unmeasured.
    init(shape: DOTShape?, graphNodes: Int) {
        self.graphNodes = graphNodes
        guard let shape else {
            graphvizNodes = 0; graphvizEdges = 0; ranks = 0; virtualNodes = 0
            tuning = .quality
            refusal = "the graph has \(Self.count(graphNodes)) nodes; figures are limited to \(Self.count(Self.maxOperations)) nodes. " + Self.wayOut
            return
        }
        let estimate = Self.estimate(shape)
        graphvizNodes = shape.nodes.count
        graphvizEdges = shape.edges.count
        ranks = estimate.ranks
        virtualNodes = estimate.virtual
        let weight = graphvizNodes + virtualNodes
        let work = weight * (weight + Self.rankFactor * ranks)
        tuning = LayoutTuning.forWork(work)
        refusal = work > Self.maxWork
            ? "the figure is too large to lay out: \(Self.count(graphvizNodes)) Graphviz nodes in \(Self.count(ranks)) columns "
                + "(estimated layout work \(Self.millions(work)), limit \(Self.millions(Self.maxWork))). " + Self.wayOut
            : nil
    }

    /// `dot` with this budget's tuning attributes added to the graph.
    public func tuned(_ dot: String) -> String {
        guard !tuning.attributes.isEmpty, let brace = dot.firstIndex(of: "{") else { return dot }
        let attrs = tuning.attributes.keys.sorted().map { "  \($0)=\"\(tuning.attributes[$0]!)\";" }.joined(separator: "\n")
        var out = dot
        out.insert(contentsOf: "\n" + attrs, at: out.index(after: brace))
        return out
    }
}

extension DOTShape {
    /// Reads node and edge statements (`"a" [..]`, `"a":"p" -> "b" [..]`) and
    /// a `{ rank=min; "a"; … }` group from DOT text written by `DOTBuilder`.
    init(parsing dot: String) {
        var nodes: [String] = []
        var seen: Set<String> = []
        var edges: [(String, String)] = []
        var pinned: [String] = []
        func add(_ n: String) { if seen.insert(n).inserted { nodes.append(n) } }
        /// The quoted strings of a line, each with whether `->` follows it (after any ports).
        for raw in dot.split(separator: "\n") {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("{") && line.contains("rank=min") {
                pinned = Self.quoted(in: Substring(line))
                continue
            }
            guard line.first == "\"" else { continue }
            var rest = Substring(line)
            guard let tail = Self.readQuoted(&rest) else { continue }
            // Skip ports: :"r":"e" or :r:e
            while rest.first == ":" { rest = rest.dropFirst(); if rest.first == "\"" { _ = Self.readQuoted(&rest) } else { rest = rest.drop { $0 != ":" && $0 != " " } } }
            rest = rest.drop { $0 == " " }
            if rest.hasPrefix("->") {
                rest = rest.dropFirst(2).drop { $0 == " " }
                guard rest.first == "\"", let head = Self.readQuoted(&rest) else { continue }
                add(tail); add(head)
                edges.append((tail, head))
            } else {
                add(tail)
            }
        }
        self.init(nodes: nodes, edges: edges, pinnedFirst: pinned)
    }

    /// Reads a `"…"` string (with `\"` escapes) from the front of `s`.
    static func readQuoted(_ s: inout Substring) -> String? {
        guard s.first == "\"" else { return nil }
        var out = ""
        var i = s.index(after: s.startIndex)
        while i < s.endIndex {
            let c = s[i]
            if c == "\\", s.index(after: i) < s.endIndex {
                i = s.index(after: i)
                out.append(s[i])
            } else if c == "\"" {
                s = s[s.index(after: i)...]
                return out
            } else {
                out.append(c)
            }
            i = s.index(after: i)
        }
        return nil
    }

    static func quoted(in line: Substring) -> [String] {
        var rest = line
        var out: [String] = []
        while let q = rest.firstIndex(of: "\"") {
            rest = rest[q...]
            guard let s = readQuoted(&rest) else { break }
            out.append(s)
        }
        return out
    }
}
