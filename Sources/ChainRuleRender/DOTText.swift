import ChainRuleSupport

// Pure-Swift helpers for writing DOT text: quoting, HTML-like label escaping,
// and a builder that writes attributes in sorted order (deterministic output).

/// A DOT attribute value: a quoted string or an HTML-like label.
enum DOTValue: Hashable {
    case string(String)
    case html(String)

    var text: String {
        switch self {
        case .string(let s): return DOT.quote(s)
        case .html(let s): return "<" + s + ">"
        }
    }
}

enum DOT {
    /// A DOT double-quoted string (`Escape.dotString`).
    static func quote(_ s: String) -> String { Escape.dotString(s) }

    /// Text for the inside of an HTML-like label (`Escape.dotHTMLLabel`).
    static func html(_ s: String) -> String { Escape.dotHTMLLabel(s) }

    static func attributes(_ attrs: [String: DOTValue]) -> String {
        if attrs.isEmpty { return "" }
        return " [" + attrs.keys.sorted().map { "\($0)=\(attrs[$0]!.text)" }.joined(separator: ", ") + "]"
    }
}

/// Writes a `digraph` line by line.
struct DOTBuilder {
    private(set) var lines: [String] = []

    /// How many lines at the start are graph attributes (`graphAttributes`).
    private(set) var graphAttributeLines = 0

    mutating func graphAttributes(_ attrs: [String: DOTValue]) {
        for key in attrs.keys.sorted() { lines.append("  \(key)=\(attrs[key]!.text);") }
        graphAttributeLines += attrs.count
    }

    /// The graph attributes written first, replaced by `attrs` (the rest unchanged).
    mutating func replaceGraphAttributes(_ attrs: [String: DOTValue]) {
        lines.replaceSubrange(0..<graphAttributeLines, with: attrs.keys.sorted().map { "  \($0)=\(attrs[$0]!.text);" })
        graphAttributeLines = attrs.count
    }

    mutating func defaults(_ kind: String, _ attrs: [String: DOTValue]) {
        lines.append("  \(kind)\(DOT.attributes(attrs));")
    }

    /// Names of the nodes written, in order.
    private(set) var nodeNames: [String] = []

    mutating func node(_ name: String, _ attrs: [String: DOTValue]) {
        nodeNames.append(name)
        lines.append("  \(DOT.quote(name))\(DOT.attributes(attrs));")
    }

    /// An edge; `tailPort`/`headPort` are `port:compass` suffixes such as `"r:w"`.
    mutating func edge(_ tail: String, tailPort: String? = nil, to head: String, headPort: String? = nil,
                       _ attrs: [String: DOTValue]) {
        func end(_ name: String, _ port: String?) -> String {
            guard let port else { return DOT.quote(name) }
            return DOT.quote(name) + ":" + port.split(separator: ":").map { DOT.quote(String($0)) }.joined(separator: ":")
        }
        lines.append("  \(end(tail, tailPort)) -> \(end(head, headPort))\(DOT.attributes(attrs));")
    }

    mutating func raw(_ line: String) { lines.append("  " + line) }

    func text(name: String) -> String {
        "digraph \(DOT.quote(name)) {\n" + lines.joined(separator: "\n") + "\n}\n"
    }
}
