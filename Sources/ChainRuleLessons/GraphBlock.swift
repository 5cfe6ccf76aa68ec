import ChainRule
import GraphScript

/// Compiles a ```graph block with GraphScript, reporting errors at the
/// Markdown file's line (`firstLine` is the file line of the block's first line).
func compileGraphBlock(_ source: String, fileName: String, firstLine: Int) throws(LessonError) -> Script {
    do {
        return try ScriptCompiler.compile(source, fileName: fileName, firstLine: firstLine)
    } catch {
        throw LessonError(diagnostic: error)
    }
}

extension LessonError {
    init(diagnostic d: Diagnostic) {
        self.init(fileName: d.fileName, line: d.line, column: d.column,
                  message: d.message, sourceLine: d.sourceLine, notes: d.notes)
    }
}
