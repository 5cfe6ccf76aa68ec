/// Every escaper of the project, one per output context. Text from a user
/// (a script, a lesson, a file name) reaches HTML, SVG, DOT, JSON or the
/// terminal only through one of these.
package enum Escape {
    // MARK: HTML and XML (SVG)

    /// `&`, `<`, `>`, `"` and `'` as character references, NUL as U+FFFD:
    /// safe in HTML/XML text and in quoted attribute values.
    package static func html(_ s: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    // MARK: DOT

    /// A DOT double-quoted string. Backslashes are doubled (so `\N`, `\G`, `\n`
    /// in user text stay literal in escString attributes such as `id` and
    /// `tooltip`), quotes escaped, control characters replaced by spaces.
    package static func dotString(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 < 0x20 || $0 == 0x7F }) {
            return "\"" + s + "\""
        }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Text for the inside of a DOT HTML-like label: `& < > " '` become
    /// entities, backslashes are doubled (Graphviz expands `\N`, `\G`, `\E`…
    /// inside HTML labels too, after entity decoding), control characters
    /// become spaces. Record-label specials (`{ } | < >`) are harmless here:
    /// figures never use record shapes, and `<`/`>` are escaped anyway.
    package static func dotHTMLLabel(_ s: String) -> String {
        if !s.utf8.contains(where: { c in
            switch c {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"),
                 UInt8(ascii: "\\"), 0x7F: return true
            default: return c < 0x20
            }
        }) { return s }
        var spaced = String.UnicodeScalarView()
        for scalar in s.unicodeScalars { spaced.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar) }
        var out = ""
        for ch in html(String(spaced)).unicodeScalars {
            if ch == "\\" { out += "\\\\" } else { out.unicodeScalars.append(ch) }
        }
        return out
    }

    // MARK: JSON

    /// A JSON string literal, quotes included: `"` and `\` escaped, control
    /// characters as `\n`, `\t`, `\r` or `\u00XX`.
    package static func json(_ s: String) -> String {
        // Most names need no escapes: quote them whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: Terminal

    /// Text made inert on a terminal (and valid in XML): every C0 control
    /// except tab, line feed and carriage return, DEL, and every C1 control
    /// (U+0080–U+009F, which some terminals treat like ESC sequences) is
    /// replaced by a visible stand-in: U+2400 + code for C0 (ESC shows as
    /// `␛`, BEL as `␇`), `␡` for DEL, `�` for C1. One scalar becomes one
    /// scalar, so line and column numbers in messages stay right.
    package static func terminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsTerminalStandIn) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars { out.append(needsTerminalStandIn(s) ? terminalStandIn(s) : s) }
        return String(out)
    }

    /// A control character `terminal(_:)` replaces.
    package static func needsTerminalStandIn(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0x7F...0x9F: return true
        default: return false
        }
    }

    /// The visible stand-in for a control character.
    package static func terminalStandIn(_ s: Unicode.Scalar) -> Unicode.Scalar {
        switch s.value {
        case 0x00..<0x20: return Unicode.Scalar(0x2400 + s.value)!
        case 0x7F: return "\u{2421}"
        default: return "\u{FFFD}"
        }
    }
}
