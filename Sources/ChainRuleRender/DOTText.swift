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
        var out = ""
        appendAttributes(attrs, to: &out)
        return out
    }

    /// ` [key=value, …]`, keys sorted, appended to `out` (one string, no intermediate arrays).
    static func appendAttributes(_ attrs: [String: DOTValue], to out: inout String) {
        if attrs.isEmpty { return }
        out += " ["
        var first = true
        for (key, value) in attrs.sorted(by: { $0.key < $1.key }) {
            if !first { out += ", " }
            first = false
            out += key
            out += "="
            switch value {
            case .string(let s): out += quote(s)
            case .html(let s): out += "<"; out += s; out += ">"
            }
        }
        out += "]"
    }
}

/// Writes a `digraph` line by line.
struct DOTBuilder {
    private(set) var lines: [String] = []

    mutating func graphAttributes(_ attrs: [String: DOTValue]) {
        for key in attrs.keys.sorted() { lines.append("  \(key)=\(attrs[key]!.text);") }
    }

    mutating func defaults(_ kind: String, _ attrs: [String: DOTValue]) {
        lines.append("  \(kind)\(DOT.attributes(attrs));")
    }

    /// Names of the nodes written, in order.
    private(set) var nodeNames: [String] = []

    mutating func node(_ name: String, _ attrs: [String: DOTValue]) {
        nodeNames.append(name)
        var line = "  " + DOT.quote(name)
        DOT.appendAttributes(attrs, to: &line)
        line += ";"
        lines.append(line)
    }

    /// An edge; `tailPort`/`headPort` are `port:compass` suffixes such as `"r:w"`.
    mutating func edge(_ tail: String, tailPort: String? = nil, to head: String, headPort: String? = nil,
                       _ attrs: [String: DOTValue]) {
        func end(_ name: String, _ port: String?) -> String {
            guard let port else { return DOT.quote(name) }
            return DOT.quote(name) + ":" + port.split(separator: ":").map { DOT.quote(String($0)) }.joined(separator: ":")
        }
        var line = "  " + end(tail, tailPort) + " -> " + end(head, headPort)
        DOT.appendAttributes(attrs, to: &line)
        line += ";"
        lines.append(line)
    }

    mutating func raw(_ line: String) { lines.append("  " + line) }

    func text(name: String) -> String {
        "digraph \(DOT.quote(name)) {\n" + lines.joined(separator: "\n") + "\n}\n"
    }
}
