import ChainRule

/// Compiles graph scripts (docs/LANGUAGE.md) into graphs.
///
/// ```swift
/// let script = try ScriptCompiler.compile("x = 2\ny = x * x", fileName: "square.graph")
/// let pass = try script.evaluate()
/// pass.gradient(of: script.node(named: "x")!)   // 4
/// ```
///
/// Every error is a `Diagnostic` with a line, a column (in characters) and a
/// message; nothing traps, whatever the bytes. See the GraphScript
/// documentation catalog for the language.
public enum ScriptCompiler {
    /// How deep parentheses and calls may nest.
    public static let maxNestingDepth = 1000
    /// How many graph nodes a script may create.
    public static let maxNodes = 200_000
    /// At most this many statements' worth of table space is reserved up front.
    static let maxReservedStatements = 1 << 16
    /// How many elements `zeros` / `ones` / `randn` may create.
    public static let maxInitializerElements = 1 << 22

    /// Compiles UTF-8 bytes. `firstLine` is the line number of the first line
    /// (for a script embedded in a larger file, such as a Markdown lesson).
    public static func compile(_ source: [UInt8], fileName: String, firstLine: Int = 1) throws(Diagnostic) -> Script {
        try compile(source, fileName: fileName, firstLine: firstLine, simpleStatements: true)
    }

    /// `compile`, with or without the parser's and builder's path for the
    /// commonest statements (`a op b`, `f(a)`, `y = x`); tests compare both.
    static func compile(_ source: [UInt8], fileName: String, firstLine: Int, simpleStatements: Bool) throws(Diagnostic) -> Script {
        let text = SourceText(bytes: source, fileName: fileName, firstLine: firstLine)
        if let bad = SourceText.firstInvalidUTF8(in: source) {
            let byte = String(source[bad], radix: 16, uppercase: true)
            throw text.diagnostic(atOffset: bad, "invalid UTF-8 byte 0x\(byte.count == 1 ? "0" + byte : byte)",
                                  notes: ["graph scripts must be UTF-8 text"])
        }
        var parser = try Parser(source: text, maxNestingDepth: maxNestingDepth, maxNodes: maxNodes, simpleExpressions: simpleStatements)
        var builder = GraphBuilder(source: text, maxNodes: maxNodes, maxElements: maxInitializerElements, simpleTrees: simpleStatements)
        // About one statement, name and node per line: room made once (up to a bound).
        let lines = min(source.withUnsafeBufferPointer { bytes in
            var count = 1
            for byte in bytes { count &+= byte == 0x0A ? 1 : 0 }
            return count
        }, maxReservedStatements)
        parser.reserveSymbols(lines)
        builder.reserveCapacity(statements: lines)
        var members: [[NodeID]] = []
        while true {
            let first = builder.graph.nodes.count
            // The commonest lines straight from the bytes (`SimpleLine`),
            // anything else through tokens and trees.
            if simpleStatements, let line = try parser.nextSimpleLine(), builder.accepts(line, names: parser.symbols.names) {
                try parser.skip(line)
                try builder.add(line, names: parser.symbols.names)
            } else if let statement = try parser.nextStatement() {
                try builder.add(statement)
            } else {
                break
            }
            if let group = parser.openGroups.last {
                if members.count <= group { members += Array(repeating: [], count: group + 1 - members.count) }
                members[group] += (first..<builder.graph.nodes.count).map(NodeID.init)
            }
        }
        guard let last = builder.names.last else {
            throw text.diagnostic(at: Site(offset: text.contentStart, line: firstLine, column: 1),
                                  "empty script: expected at least one assignment such as 'x = 2'")
        }
        let groups = parser.groups.enumerated().map { index, g in
            NodeGroup(name: g.name, kind: .group, parent: g.parent, nodes: index < members.count ? members[index] : [])
        }
        return Script(graph: builder.graph, output: last.node, names: builder.names, source: text, sites: builder.sites,
                      groups: NodeGroups(groups: groups, nodeCount: builder.graph.nodes.count))
    }

    /// Compiles a string.
    public static func compile(_ source: String, fileName: String, firstLine: Int = 1) throws(Diagnostic) -> Script {
        try compile(Array(source.utf8), fileName: fileName, firstLine: firstLine)
    }
}
