import ChainRuleSupport

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
    /// `note: …` line per note (`DiagnosticText`, shared with lesson errors):
    /// tabs in the source line are repeated in the caret line so the caret
    /// lines up; control characters are shown as visible stand-ins (`␛`);
    /// very long lines are shown as a window around the column.
    public var rendered: String {
        DiagnosticText.render(fileName: fileName, line: line, column: column, message: message,
                              sourceLine: sourceLine, notes: notes)
    }

    public var description: String { rendered }
}
