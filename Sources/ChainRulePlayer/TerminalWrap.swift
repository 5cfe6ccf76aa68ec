/// Line wrapping for terminal text that may carry ANSI styles (`ESC[…m`).
///
/// Lines break only at spaces — between words, tensor elements (`, `) and
/// around operators (` × `, ` = `) — so a number or a symbol such as
/// `∂total/∂tax` is never cut. A word wider than the line is cut after a
/// `/`, `,`, `)` or `]` when it has one, else at the width. A style open at
/// a break is closed at the end of the line and reopened on the next.
public enum TerminalWrap {
    /// The columns `s` takes on screen (escape sequences take none).
    public static func width(_ s: String) -> Int {
        var n = 0
        var inEscape = false
        for c in s.unicodeScalars {
            if inEscape { if (0x40...0x7E).contains(c.value) && c != "[" { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; continue }
            // Combining marks take no column.
            if c.properties.generalCategory == .nonspacingMark { continue }
            n += 1
        }
        return n
    }

    /// `s` without escape sequences.
    public static func plain(_ s: String) -> String {
        var out = ""
        var inEscape = false
        for c in s.unicodeScalars {
            if inEscape { if (0x40...0x7E).contains(c.value) && c != "[" { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; continue }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// Cuts `s` to at most `width` columns, ending with `…` when cut.
    public static func clip(_ s: String, width: Int) -> String {
        if Self.width(s) <= width { return s }
        var out = ""
        var n = 0
        var inEscape = false
        var styled = false
        for c in s.unicodeScalars {
            if inEscape { out.unicodeScalars.append(c); if (0x40...0x7E).contains(c.value) && c != "[" { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; styled = true; out.unicodeScalars.append(c); continue }
            if n >= width - 1 { break }
            out.unicodeScalars.append(c)
            if c.properties.generalCategory != .nonspacingMark { n += 1 }
        }
        return out + "…" + (styled ? "\u{1B}[0m" : "")
    }

    /// Wraps one line to `width` columns. Continuation lines start with
    /// `indent` (by default the line's own leading spaces plus two).
    public static func wrap(_ s: String, width: Int, indent: String? = nil) -> [String] {
        let width = max(width, 8)
        if Self.width(s) <= width { return [s] }
        let lead = String(s.prefix { $0 == " " })
        var indent = indent ?? lead + "  "
        if indent.count > width / 2 { indent = String(repeating: " ", count: width / 2) }
        let words = styledWords(s.dropFirst(lead.count))
        var lines: [String] = []
        var line = lead
        var lineWidth = lead.count
        var lineHasWord = false
        var lineStyle = ""        // style in force at the end of `line`
        func finish() {
            lines.append(line + (lineStyle.isEmpty ? "" : "\u{1B}[0m"))
        }
        for (word, style) in words {
            var pieces = [word]
            let available = width - indent.count
            if Self.width(word) > available { pieces = split(word, width: available) }
            for (k, piece) in pieces.enumerated() {
                let w = Self.width(piece)
                if w == 0 && !lineHasWord && !lines.isEmpty { line += piece; continue }  // no blank at a line's start
                let gap = lineHasWord && k == 0 ? 1 : 0
                if lineHasWord && lineWidth + gap + w > width {
                    finish()
                    line = indent + (k == 0 ? style : lineStyle)
                    lineWidth = indent.count
                    lineHasWord = false
                }
                if lineHasWord && k == 0 { line += " "; lineWidth += 1 }
                line += piece
                lineWidth += w
                lineHasWord = true
                lineStyle = styleAfter(k == 0 ? style : lineStyle, piece)
            }
        }
        if lineHasWord || lines.isEmpty { finish() }
        return lines
    }

    /// The words of `s` (split at spaces) with their escape sequences; `style`
    /// is the SGR text in force before each word.
    static func styledWords(_ s: Substring) -> [(text: String, style: String)] {
        var words: [(text: String, style: String)] = []
        var current = ""
        var active = ""          // SGR text in force at this point
        var wordStyle = ""
        var escape = ""
        var inEscape = false
        for c in s.unicodeScalars {
            if inEscape {
                escape.unicodeScalars.append(c)
                if (0x40...0x7E).contains(c.value) && c != "[" {
                    inEscape = false
                    current += escape
                    if escape == "\u{1B}[0m" || escape == "\u{1B}[m" { active = "" } else { active += escape }
                }
                continue
            }
            if c == "\u{1B}" { inEscape = true; escape = "\u{1B}"; continue }
            if c == " " {
                words.append((current, wordStyle))
                current = ""
                wordStyle = active
                continue
            }
            current.unicodeScalars.append(c)
        }
        words.append((current, wordStyle))
        return words
    }

    /// The SGR text in force after `word`, starting from `start`.
    static func styleAfter(_ start: String, _ word: String) -> String {
        var st = start
        var rest = Substring(word)
        while let r = rest.range(of: "\u{1B}[") {
            let tail = rest[r.lowerBound...]
            guard let end = tail.firstIndex(where: { $0.isLetter }) else { break }
            let code = String(tail[...end])
            if code == "\u{1B}[0m" || code == "\u{1B}[m" { st = "" } else { st += code }
            rest = tail[tail.index(after: end)...]
        }
        return st
    }

    /// A word wider than `width`, cut after a separator where possible.
    static func split(_ word: String, width: Int) -> [String] {
        var pieces: [String] = []
        var rest = word
        while Self.width(rest) > width {
            var cut = ""
            var best: String? = nil
            var n = 0
            for ch in rest {
                cut.append(ch)
                if ch != "\u{1B}" { n += 1 }
                if n > width { break }
                if "/,;)]".contains(ch) { best = cut }
            }
            let head = best ?? String(cut.dropLast())
            pieces.append(head)
            rest = String(rest.dropFirst(head.count))
        }
        pieces.append(rest)
        return pieces
    }
}
