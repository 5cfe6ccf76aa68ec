import ChainRule

// Groups drawn as Graphviz clusters: a neuron is a lightly filled rounded
// box around its weights, bias, products, sums and activation (with the
// labels of the edges between them); a layer is a dashed box around its
// neurons. The cluster's label names it (`layer 1`, `neuron 1.2`, or the
// script's `group` name).

extension Figure {
    /// The group each drawn object belongs to, by its key (`node-3`,
    /// `fork-3`, `output-3`, an edge's key): its node's innermost group;
    /// for an edge label, the innermost group holding both ends (so the
    /// label of a weight's edge sits inside its neuron, and an input's
    /// edge into a neuron stays outside).
    func clusterMembership() -> [Int: [String]] {
        var out: [Int: [String]] = [:]
        func add(_ g: Int?, _ key: String) { if let g { out[g, default: []].append(key) } }
        for node in graph.nodes {
            let g = groups.group(of: node.id)
            add(g, "node-\(node.id.index)")
            if Figure.hasTrunk(node, uses: consumers[node.id.index].count, output: output) {
                add(g, consumers[node.id.index].count > 1 ? "fork-\(node.id.index)" : "output-\(node.id.index)")
            }
        }
        for edge in edges {
            guard let from = groups.group(of: edge.from) else { continue }
            guard let to = edge.to else { add(from, edge.key); continue }
            guard let head = groups.group(of: to) else { continue }
            let heads = Set(groups.ancestry(of: head))
            add(groups.ancestry(of: from).first { heads.contains($0) }, edge.key)
        }
        return out
    }

    /// The `subgraph cluster_…` lines for the figure's groups. `name` gives
    /// the DOT name of an object written by this frame (nil: not written);
    /// `include` limits a partial frame to some objects.
    ///
    /// `pinned`: the layout a pinned frame is drawn on; each cluster keeps
    /// the box (`bb`) and label position (`lp`) the layout gave it (without
    /// them `nop2` draws every cluster as large as the whole graph).
    func clusterLines(include: Set<String>?, pinned: GraphvizLayout? = nil, name: (String) -> String?) -> [String] {
        let members = clusterMembership()
        let theme = options.theme
        var lines: [String] = []
        func write(_ g: Int, indent: String) {
            let group = groups.groups[g]
            let names = (members[g] ?? []).filter { include?.contains($0) ?? true }.compactMap(name)
            let children = groups.children(of: g)
            guard !names.isEmpty || !children.isEmpty else { return }
            let isNeuron = children.isEmpty
            var attrs: [String: DOTValue] = [
                "id": .string("group-\(g)"),
                "class": .string("group group-\(group.kind.rawValue)"),
                "label": .html("<FONT COLOR=\"\(theme.muted)\" POINT-SIZE=\"12\"><I>\(DOT.html(group.name))</I></FONT>"),
                "labeljust": .string("l"),
                "labelloc": .string("t"),
                "style": .string(isNeuron ? "rounded,filled" : "rounded,dashed"),
                "color": .string(theme.muted),
                "fillcolor": .string(Self.blend(theme.background, theme.muted, 0.07)),
                "penwidth": .string(isNeuron ? "0.8" : "1"),
                "margin": .string(isNeuron ? "6" : "10"),
                "tooltip": .string(group.name),
            ]
            if let box = pinned?.clusters["cluster_\(g)"] {
                attrs["bb"] = .string(box.boundingBox)
                if let lp = box.labelPosition { attrs["lp"] = .string(lp) }
            }
            lines.append(indent + "subgraph \(DOT.quote("cluster_\(g)")) {")
            for key in attrs.keys.sorted() { lines.append(indent + "  \(key)=\(attrs[key]!.text);") }
            for n in names { lines.append(indent + "  " + DOT.quote(n) + ";") }
            for child in children { write(child, indent: indent + "  ") }
            lines.append(indent + "}")
        }
        for top in groups.children(of: nil) { write(top, indent: "") }
        return lines
    }

    /// `a` mixed with `fraction` of `b` (`#rrggbb` colours).
    static func blend(_ a: String, _ b: String, _ fraction: Double) -> String {
        func rgb(_ s: String) -> [Double]? {
            let hex = Array(s.utf8.dropFirst())
            guard s.hasPrefix("#"), hex.count == 6 else { return nil }
            return stride(from: 0, to: 6, by: 2).map { Double(Int(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0) }
        }
        guard let x = rgb(a), let y = rgb(b) else { return a }
        let digits = Array("0123456789abcdef")
        return "#" + zip(x, y).map { p, q in
            let v = Int((p + (q - p) * fraction).rounded())
            return String([digits[v / 16], digits[v % 16]])
        }.joined()
    }
}
