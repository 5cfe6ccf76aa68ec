import ChainRuleSupport

/// An error in a lesson file, located at a line and column of the Markdown
/// file (inside a ```graph block too), rendered the way compilers do:
///
/// ```
/// Lessons/01-apples.md:12:9: error: unknown directive 'nte'
///   > nte backward apple: …
///     ^
/// ```
public struct LessonError: Error, Sendable, CustomStringConvertible {
    /// The lesson file as the user named it (e.g. `Lessons/01-apples.md`).
    public let fileName: String
    /// 1-based line of the Markdown file.
    public let line: Int
    /// 1-based column, counted in characters (a tab is one column).
    public let column: Int
    /// What is wrong, in one line.
    public let message: String
    /// The offending line (empty when the error is about the whole file).
    public let sourceLine: String
    /// Extra hints, shown as `note: …` lines.
    public var notes: [String]
    /// A warning (`chainrule lint`) rather than an error.
    public var isWarning = false

    /// An error (or, with `isWarning`, a warning) at `line`:`column` of `fileName`.
    public init(fileName: String, line: Int, column: Int, message: String, sourceLine: String, notes: [String] = [],
                isWarning: Bool = false) {
        self.isWarning = isWarning
        self.fileName = fileName
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.message = message
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// `file:line:col: error: message`, then the source line and a caret,
    /// then the notes: the same renderer as script diagnostics (`DiagnosticText`).
    public var rendered: String {
        let text = DiagnosticText.render(fileName: fileName, line: line, column: column, message: message,
                                         sourceLine: sourceLine.isEmpty ? nil : sourceLine, notes: notes)
        guard isWarning, let r = text.range(of: ": error: ") else { return text }
        return text.replacingCharacters(in: r, with: ": warning: ")
    }

    public var description: String { rendered }
}
