import ChainRuleLessons
import ChainRuleRender
import ChainRuleSupport
/// Escaping and a small, safe Markdown-to-HTML conversion for lesson prose.
///
/// Every piece of user text (titles, prose, notes, equations, node names)
/// goes through `escape` before it reaches HTML; Markdown syntax is applied
/// to already-escaped text, so no character of the lesson can open a tag,
/// an attribute or a CDATA section.
package enum ExportHTML {
    /// `&`, `<`, `>`, `"` and `'` as character references: safe in text and
    /// in quoted attribute values (`Escape.html`).
    package static func escape(_ s: some StringProtocol) -> String { Escape.html(s) }

    /// Lesson prose (Markdown) as HTML: paragraphs, `#` headings (shifted
    /// down to `h3`–`h6`), bullet and numbered lists, block quotes, fenced
    /// and indented code, and inline `code`, **strong**, *emphasis*, `$math$`
    /// and links (http, https and mailto only; others become plain text).
    package static func markdown(_ text: String) -> String {
        var blocks = MarkdownBlocks(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        while blocks.i < blocks.lines.count { blocks.readLine() }
        blocks.flushAll()
        return blocks.html.joined(separator: "\n")
    }

    /// The block structure of Markdown prose, read line by line: the open
    /// paragraph, list and block quote, and the HTML of the blocks finished.
    private struct MarkdownBlocks {
        let lines: [String]
        /// The next line to read.
        var i = 0
        var html: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var quote: [String] = []

        init(lines: [String]) { self.lines = lines }

        mutating func flushParagraph() {
            if !paragraph.isEmpty {
                html.append("<p>" + inline(paragraph.joined(separator: "\n")) + "</p>")
                paragraph = []
            }
        }
        mutating func flushList() {
            if let l = list {
                let tag = l.ordered ? "ol" : "ul"
                html.append("<\(tag)>" + l.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
                list = nil
            }
        }
        mutating func flushQuote() {
            if !quote.isEmpty {
                html.append("<blockquote>" + markdown(quote.joined(separator: "\n")) + "</blockquote>")
                quote = []
            }
        }
        mutating func flushAll() { flushParagraph(); flushList(); flushQuote() }

        /// Reads line `i` (and, for code, the lines of its block) into the open block or a new one.
        mutating func readLine() {
            let line = lines[i]
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            if indent <= 3, let fence = fenceMarker(trimmed) { return fencedCode(fence) }
            if trimmed.allSatisfy(\.isWhitespace) {
                flushAll()
            } else if indent <= 3, trimmed.hasPrefix(">") {
                flushParagraph(); flushList()
                let rest = trimmed.dropFirst()
                quote.append(String(rest.hasPrefix(" ") ? rest.dropFirst() : rest))
            } else {
                flushQuote()
                return readBlockLine(trimmed, indent: indent)
            }
            i += 1
        }

        /// A line outside a quote: a heading, a list item or its continuation, indented code, or paragraph text.
        mutating func readBlockLine(_ trimmed: Substring, indent: Int) {
            if indent <= 3, let (level, title) = heading(trimmed) {
                flushAll()
                let h = min(level + 2, 6)
                html.append("<h\(h)>" + inline(title) + "</h\(h)>")
            } else if indent <= 3, let item = listItem(trimmed) {
                flushParagraph()
                if list == nil || list!.ordered != item.ordered { flushList(); list = (item.ordered, []) }
                list!.items.append(item.text)
            } else if let l = list, indent >= 2, !l.items.isEmpty {
                // A continuation line of the last item.
                list!.items[l.items.count - 1] += "\n" + trimmed
            } else if indent >= 4, paragraph.isEmpty {
                return indentedCode()
            } else {
                flushList()
                paragraph.append(String(trimmed))
            }
            i += 1
        }

        /// A fenced code block from line `i` to its closing fence (or the end).
        mutating func fencedCode(_ fence: String) {
            flushAll()
            var body: [String] = []
            var j = i + 1
            while j < lines.count {
                let t = lines[j].drop { $0 == " " }
                if t.hasPrefix(fence) && t.drop(while: { $0 == fence.first! }).allSatisfy(\.isWhitespace) { break }
                body.append(lines[j])
                j += 1
            }
            html.append("<pre><code>" + escape(body.joined(separator: "\n")) + "</code></pre>")
            i = j + 1
        }

        /// An indented code block: lines indented by four spaces (and blank lines) from line `i`.
        mutating func indentedCode() {
            flushList()
            var body: [String] = []
            var j = i
            while j < lines.count, lines[j].hasPrefix("    ") || lines[j].allSatisfy(\.isWhitespace) {
                body.append(String(lines[j].dropFirst(min(4, lines[j].count))))
                j += 1
            }
            while body.last?.allSatisfy(\.isWhitespace) == true { body.removeLast() }
            html.append("<pre><code>" + escape(body.joined(separator: "\n")) + "</code></pre>")
            i = j
        }
    }

    /// Inline Markdown (`InlineMarkdown`) on one block of text; the result is escaped HTML.
    package static func inline(_ text: String) -> String {
        html(InlineMarkdown.parse(text)).replacingOccurrences(of: "\n", with: " ")
    }

    /// The HTML of inline spans: every piece of text escaped.
    static func html(_ spans: [InlineMarkdown.Span]) -> String {
        spans.map { span in
            switch span {
            case .text(let text): escape(text)
            case .code(let code): "<code>" + escape(code) + "</code>"
            case .math(let math): "<span class=\"math\">" + escape(math) + "</span>"
            case .strongStart: "<strong>"
            case .strongEnd: "</strong>"
            case .emphasisStart: "<em>"
            case .emphasisEnd: "</em>"
            case .link(let label, let url?): "<a href=\"" + escape(url) + "\" rel=\"noopener noreferrer\">" + html(label) + "</a>"
            case .link(let label, nil): html(label)
            }
        }.joined()
    }

    private static func fenceMarker(_ s: Substring) -> String? {
        for ch in ["`", "~"] as [Character] {
            let run = s.prefix { $0 == ch }
            if run.count >= 3 { return String(run) }
        }
        return nil
    }

    private static func heading(_ s: Substring) -> (Int, String)? {
        let hashes = s.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = s.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var title = String(rest).trimming(" ")
        while title.hasSuffix("#") { title.removeLast() }
        return (hashes, title.trimming(" "))
    }

    private static func listItem(_ s: Substring) -> (ordered: Bool, text: String)? {
        if let first = s.first, "-*+".contains(first), s.dropFirst().first == " " {
            return (false, String(s.dropFirst(2)))
        }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = s.dropFirst(digits.count)
            if let d = rest.first, d == "." || d == ")", rest.dropFirst().first == " " {
                return (true, String(rest.dropFirst(2)))
            }
        }
        return nil
    }
}

extension String {
    fileprivate func trimming(_ set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
