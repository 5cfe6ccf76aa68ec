import ChainRuleSupport

// Pure-Swift helpers for writing DOT text: quoting, HTML-like label escaping,
// and a builder that writes attributes in sorted order (deterministic output).

/// A DOT attribute value: a quoted string or an HTML-like label.
enum DOTValue: Hashable {
    case string(String)
    case html(String)

    var text: String {
        var out = ""
        append(to: &out)
        return out
    }

    /// Appends `text` to `out` (without building it on its own first).
    func append(to out: inout String) {
        switch self {
        case .string(let s): DOT.appendQuoted(s, to: &out)
        case .html(let s): out += "<"; out += s; out += ">"
        }
    }
}

enum DOT {
    /// A DOT double-quoted string (`Escape.dotString`).
    static func quote(_ s: String) -> String { Escape.dotString(s) }

    /// `quote(s)` appended to `out`; names and values that need no escapes
    /// (nearly all) are copied straight in.
    static func appendQuoted(_ s: String, to out: inout String) {
        if s.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 < 0x20 || $0 == 0x7F }) {
            out += Escape.dotString(s)
        } else {
            out += "\""; out += s; out += "\""
        }
    }

    /// Text for the inside of an HTML-like label (`Escape.dotHTMLLabel`).
    static func html(_ s: String) -> String { Escape.dotHTMLLabel(s) }

    static func attributes(_ attrs: [String: DOTValue]) -> String {
        var out = ""
        appendAttributes(attrs, to: &out)
        return out
    }

    /// ` [a="1", b=<…>]`, keys sorted, appended to `out` (nothing when `attrs` is empty).
    static func appendAttributes(_ attrs: [String: DOTValue], to out: inout String) {
        if attrs.isEmpty { return }
        var first = true
        for (key, value) in attrs.sorted(by: { $0.key < $1.key }) {
            out += first ? " [" : ", "
            first = false
            out += key
            out += "="
            value.append(to: &out)
        }
        out += "]"
    }
}

/// Writes a `digraph` statement by statement, into one buffer.
struct DOTBuilder {
    /// The graph attribute lines (kept apart: `replaceGraphAttributes`).
    private var header: [String] = []
    /// Every other statement, one per line, each ending in a newline.
    private var body = ""

    mutating func graphAttributes(_ attrs: [String: DOTValue]) {
        for (key, value) in attrs.sorted(by: { $0.key < $1.key }) {
            var line = "  " + key + "="
            value.append(to: &line)
            line += ";"
            header.append(line)
        }
    }

    /// The graph attributes written first, replaced by `attrs` (the rest unchanged).
    mutating func replaceGraphAttributes(_ attrs: [String: DOTValue]) {
        header.removeAll()
        graphAttributes(attrs)
    }

    mutating func defaults(_ kind: String, _ attrs: [String: DOTValue]) {
        body += "  "
        body += kind
        DOT.appendAttributes(attrs, to: &body)
        body += ";\n"
    }

    /// Names of the nodes written, in order.
    private(set) var nodeNames: [String] = []

    mutating func node(_ name: String, _ attrs: [String: DOTValue]) {
        nodeNames.append(name)
        body += "  "
        DOT.appendQuoted(name, to: &body)
        DOT.appendAttributes(attrs, to: &body)
        body += ";\n"
    }

    /// An edge; `tailPort`/`headPort` are `port:compass` suffixes such as `"r:w"`.
    mutating func edge(_ tail: String, tailPort: String? = nil, to head: String, headPort: String? = nil,
                       _ attrs: [String: DOTValue]) {
        func end(_ name: String, _ port: String?, _ out: inout String) {
            DOT.appendQuoted(name, to: &out)
            guard let port else { return }
            for part in port.split(separator: ":") {
                out += ":"
                DOT.appendQuoted(String(part), to: &out)
            }
        }
        body += "  "
        end(tail, tailPort, &body)
        body += " -> "
        end(head, headPort, &body)
        DOT.appendAttributes(attrs, to: &body)
        body += ";\n"
    }

    mutating func raw(_ line: String) {
        body += "  "
        body += line
        body += "\n"
    }

    /// `digraph "name" {`, the statements one per line, `}`.
    func text(name: String) -> String {
        var out = "digraph "
        out.reserveCapacity(body.utf8.count + header.count * 40 + 64)
        DOT.appendQuoted(name, to: &out)
        out += " {\n"
        for line in header {
            out += line
            out += "\n"
        }
        if header.isEmpty && body.isEmpty { out += "\n" }  // (as the lines joined: an empty line)
        out += body
        out += "}\n"
        return out
    }
}
