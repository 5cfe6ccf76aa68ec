/// The Markdown of a lesson split into what the player needs: the title,
/// prose, ```graph blocks and `>` directive lines, each with its line
/// number in the file. Parsing never fails on prose; it fails (with a
/// located error) on an unknown or malformed directive or an unclosed block.
package struct LessonDocument: Sendable {
    /// One piece of the lesson, in file order.
    package enum Element: Sendable {
        /// Prose lines (Markdown), starting at `line`.
        case prose(text: String, line: Int)
        /// A ```graph block: its source and the file line of its first source line.
        case graph(source: String, firstLine: Int, fenceLine: Int)
        /// A `> keyword …` directive line (plus continuation lines).
        case directive(Directive)
    }

    /// The text of the first `# ` heading.
    package let title: String
    package let elements: [Element]
    /// The file name used in error messages.
    package let fileName: String
    /// Every line of the file (for error messages).
    package let lines: [String]

    /// Parses lesson Markdown.
    package init(markdown: String, fileName: String) throws(LessonError) {
        self.fileName = fileName
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        self.lines = lines
        var reader = LessonReader(lines: lines, fileName: fileName)
        while reader.i < lines.count { try reader.readLine() }
        reader.flushProse()
        guard let title = reader.title, !title.isEmpty else {
            throw LessonError(fileName: fileName, line: 1, column: 1,
                              message: "a lesson needs a title: a first line like '# The chain rule'",
                              sourceLine: lines.first ?? "")
        }
        self.title = title
        self.elements = reader.elements
    }

    /// Reads a lesson's lines in order into elements: the prose gathered so
    /// far, graph blocks, directives and the title.
    private struct LessonReader {
        let lines: [String]
        let fileName: String
        /// The next line to read (0-based).
        var i = 0
        var elements: [Element] = []
        var title: String?
        var prose: [String] = []
        /// The file line of the first line in `prose`.
        var proseStart = 0

        init(lines: [String], fileName: String) {
            self.lines = lines
            self.fileName = fileName
        }

        mutating func flushProse() {
            // Trim blank lines at both ends; keep inner blank lines (paragraphs).
            while let first = prose.first, first.allSatisfy(\.isWhitespace) { prose.removeFirst(); proseStart += 1 }
            while let last = prose.last, last.allSatisfy(\.isWhitespace) { prose.removeLast() }
            if !prose.isEmpty { elements.append(.prose(text: prose.joined(separator: "\n"), line: proseStart)) }
            prose = []
        }

        /// Reads line `i` (and, for a fenced block, its body).
        mutating func readLine() throws(LessonError) {
            let line = lines[i]
            let lineNumber = i + 1
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            if indent <= 3, let fence = LessonDocument.fence(trimmed) {
                return try fencedBlock(fence, trimmed, indent: indent)
            }
            if indent <= 3, trimmed.hasPrefix(">") {
                try directiveLine(trimmed, indent: indent)
            } else if title == nil, trimmed.hasPrefix("# ") {
                flushProse()
                title = String(trimmed.dropFirst(2).trimmingWhitespace())
                proseStart = lineNumber + 1
            } else {
                if prose.isEmpty { proseStart = lineNumber }
                prose.append(line)
            }
            i += 1
        }

        /// A fenced block from line `i`: ```graph is ours, anything else is prose.
        mutating func fencedBlock(_ fence: String, _ trimmed: Substring, indent: Int) throws(LessonError) {
            let line = lines[i], lineNumber = i + 1
            let info = trimmed.dropFirst(fence.count).trimmingWhitespace()
            var body: [String] = []
            var j = i + 1
            var closed = false
            while j < lines.count {
                let t = lines[j].drop { $0 == " " }
                if t.hasPrefix(fence) && t.drop(while: { $0 == fence.first! }).allSatisfy(\.isWhitespace) { closed = true; break }
                body.append(lines[j])
                j += 1
            }
            let lang = info.split(separator: " ").first.map(String.init) ?? ""
            if lang == "graph" {
                guard closed else {
                    throw LessonError(fileName: fileName, line: lineNumber, column: indent + 1,
                                      message: "unterminated ```graph block (no closing \(fence))", sourceLine: line)
                }
                flushProse()
                elements.append(.graph(source: body.joined(separator: "\n"), firstLine: lineNumber + 1, fenceLine: lineNumber))
            } else if LessonDocument.reservedBlocks.contains(lang) {
                throw LessonError(fileName: fileName, line: lineNumber, column: indent + fence.count + 1,
                                  message: "unknown block type '\(lang)'; a lesson knows ```graph blocks and `>` directive lines (see Lessons/README.md)",
                                  sourceLine: line)
            } else {
                if prose.isEmpty { proseStart = lineNumber }
                prose.append(contentsOf: lines[i...min(j, lines.count - 1)])
            }
            i = j + 1
        }

        /// A `>` line: a directive, or more text for the previous one.
        mutating func directiveLine(_ trimmed: Substring, indent: Int) throws(LessonError) {
            let line = lines[i]
            let afterMarker = trimmed.dropFirst()
            let text = afterMarker.hasPrefix(" ") ? afterMarker.dropFirst() : afterMarker
            if text.allSatisfy(\.isWhitespace) { return }
            // `>   more text` (2+ spaces) continues the previous directive's text.
            if text.hasPrefix(" "), case .directive(var previous)? = elements.last, prose.isEmpty {
                previous.appendContinuation(String(text.trimmingWhitespace()))
                elements[elements.count - 1] = .directive(previous)
                return
            }
            flushProse()
            let column = indent + (line.count - indent - text.count) + 1
            elements.append(.directive(try Directive.parse(String(text), line: i + 1, column: column,
                                                           sourceLine: line, fileName: fileName)))
        }
    }

    /// Info strings that look like they were meant for the player.
    static let reservedBlocks: Set<String> = ["lesson", "graphs", "grpah", "directive", "chainrule"]

    /// "```" or "~~~" (3 or more) at the start of a line.
    static func fence(_ s: Substring) -> String? {
        for ch in ["`", "~"] as [Character] {
            let run = s.prefix { $0 == ch }
            if run.count >= 3 { return String(run) }
        }
        return nil
    }

    /// Reads only the title (for `chainrule lessons`): the first `# ` line.
    package static func title(ofMarkdown markdown: String) -> String? {
        var inFence = false
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.drop { $0 == " " }
            if fence(line) != nil { inFence.toggle(); continue }
            if !inFence, line.hasPrefix("# ") { return String(line.dropFirst(2).trimmingWhitespace()) }
        }
        return nil
    }
}

extension StringProtocol {
    package func trimmingWhitespace() -> Substring {
        let s = Substring(self)
        guard let start = s.firstIndex(where: { !$0.isWhitespace }) else { return s[s.endIndex...] }
        let end = s.lastIndex(where: { !$0.isWhitespace })!
        return s[start...end]
    }
}
