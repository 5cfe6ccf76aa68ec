/// The one renderer of located errors, for scripts and lessons alike, in
/// the form compilers use:
///
/// ```
/// neuron.graph:3:7: error: cannot multiply shapes (2, 3) and (2,)
///   y = W * x
///         ^
/// note: …
/// ```
///
/// Control characters in the message, the source line and the notes are
/// shown as visible stand-ins (`Escape.terminal`), so a file can never drive
/// the terminal; tabs in the source line are repeated in the caret line so
/// the caret lines up; a very long line is shown as a window around the
/// column. With `sourceLine` nil (an error about a whole file) only the
/// first line and the notes remain.
package enum DiagnosticText {
    /// The widest part of a source line shown, in characters.
    package static let windowLimit = 120

    package static func render(fileName: String, line: Int, column: Int, message: String,
                               sourceLine: String?, notes: [String] = []) -> String {
        var out = "\(Escape.terminal(fileName)):\(line):\(column): error: \(Escape.terminal(message))"
        if let sourceLine {
            let (text, caretColumn) = window(of: sourceLine, around: column)
            out += "\n  " + text + "\n"
            var pad = ""
            var i = 1
            for ch in text.unicodeScalars {
                if i >= caretColumn { break }
                pad.append(ch == "\t" ? "\t" : " ")
                i += 1
            }
            if i < caretColumn { pad += String(repeating: " ", count: caretColumn - i) }
            out += "  " + pad + "^"
        }
        for note in notes { out += "\nnote: " + Escape.terminal(note) }
        return out
    }

    /// At most `limit` characters of `line` (control characters replaced)
    /// around `column`, and the caret's column inside that window.
    package static func window(of line: String, around column: Int, limit: Int = windowLimit) -> (String, Int) {
        // A stray CR or LF would move the cursor: stand-ins for them too.
        let scalars = Escape.terminal(line).unicodeScalars.map { s -> Unicode.Scalar in
            s == "\r" || s == "\n" ? Escape.terminalStandIn(s) : s
        }
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
