/// A position in a graph script: a 1-based line and a 1-based column counted
/// in characters (Unicode scalars; a tab is one column).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line (offset by the `firstLine` the script was compiled with).
    public let line: Int
    /// The 1-based column, in characters.
    public let column: Int

    /// A location at `line` and `column`, both 1-based.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`, as in a compiler's messages.
    public var description: String { "\(line):\(column)" }
}

/// Where something is in the source bytes, with its line and column already
/// worked out (internal: diagnostics need the byte offset to find the line).
struct Site: Hashable, Sendable {
    /// Byte offset into the source.
    var offset: Int
    var line: Int
    var column: Int

    var location: SourceLocation { SourceLocation(line: line, column: column) }
}
