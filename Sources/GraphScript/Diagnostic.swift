/// An error in a graph script, with everything needed to show it the way a
/// compiler does:
///
/// ```
/// neuron.graph:3:7: error: cannot multiply shapes (2, 3) and (2,)
///   y = W * x
///         ^
/// ```
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name as given to the compiler (`<stdin>`, `<expression>`, a path).
    public let fileName: String
    /// 1-based line.
    public let line: Int
    /// 1-based column, in characters (a tab is one column).
    public let column: Int
    /// A short, lowercase message: `cannot find 'z' in scope`.
    public let message: String
    /// The text of the offending line (without its line break).
    public let sourceLine: String
    /// Extra hints, shown as `note: …` lines (`did you mean 'sum'?`).
    public var notes: [String]

    /// A diagnostic of your own, in the same form (for a tool that checks
    /// scripts further): `sourceLine` is the text of line `line`, without
    /// its line break, and `column` is 1-based within it.
    public init(fileName: String, line: Int, column: Int, message: String, sourceLine: String, notes: [String] = []) {
        self.fileName = fileName
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// The location of the error.
    public var location: SourceLocation { SourceLocation(line: line, column: column) }

    /// `"file:line:col: error: message\n  <source line>\n  <spaces>^"`, then one
    /// `note: …` line per note. Tabs in the source line are repeated in the
    /// caret line so the caret lines up; control characters are shown as `�`;
    /// very long lines are shown as a window around the column.
    public var rendered: String {
        var out = "\(fileName):\(line):\(column): error: \(message)\n"
        let (text, caretColumn) = Self.window(of: sourceLine, around: column)
        out += "  " + text + "\n"
        var pad = ""
        var i = 1
        for ch in text.unicodeScalars {
            if i >= caretColumn { break }
            pad.append(ch == "\t" ? "\t" : " ")
            i += 1
        }
        if i < caretColumn { pad += String(repeating: " ", count: caretColumn - i) }
        out += "  " + pad + "^"
        for note in notes { out += "\nnote: " + note }
        return out
    }

    public var description: String { rendered }

    /// At most `limit` characters of `line` around `column`, and the caret's
    /// column inside that window.
    static func window(of line: String, around column: Int, limit: Int = 120) -> (String, Int) {
        // Control characters (NUL, ESC, …) are shown as U+FFFD so a script can
        // never drive the terminal; each still takes one column.
        let scalars = Array(line.unicodeScalars.lazy.map { s -> Unicode.Scalar in
            (s.value < 0x20 && s != "\t") || (0x7F...0x9F).contains(s.value) ? "\u{FFFD}" : s
        })
        if scalars.count <= limit {
            return (String(String.UnicodeScalarView(scalars)), column)
        }
        let caret = min(max(column - 1, 0), scalars.count)
        let start = max(0, min(caret - limit / 2, scalars.count - limit))
        let end = min(scalars.count, start + limit)
        var text = String(String.UnicodeScalarView(scalars[start..<end]))
        var caretColumn = caret - start + 1
        if start > 0 { text = "…" + text; caretColumn += 1 }
        if end < scalars.count { text += "…" }
        return (text, caretColumn)
    }
}
