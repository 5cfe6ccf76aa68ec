import ChainRuleRender

/// The inline Markdown of lesson prose, parsed once for every output.
///
/// The slideshow (`ExportHTML.inline`) and the terminal player
/// (`StepView.inline`) render the same spans, so a mark means the same in
/// both. What counts as a mark follows CommonMark's flanking rules, simply:
///
/// - `` `code` `` (any number of backticks; the spaces at its ends trimmed),
/// - `**strong**` / `__strong__` and `*emphasis*` / `_emphasis_`: an opening
///   mark follows the start, a space or punctuation and precedes a non-space,
///   and a closing one follows a non-space (`2*3*4`, `a * b` and
///   `snake_case_name` stay as written),
/// - `$math$` (no space just inside the dollars),
/// - `[label](url)`, whose url counts only for `http`, `https` and `mailto`,
/// - a backslash before punctuation (`\*`) keeps that character literal,
/// - a number's sign `-` becomes the minus sign `−` (`1e-7` → `1e−7`).
///
/// Opening and closing spans are always balanced and properly nested: a
/// mark left open is closed at the end, and closing an outer mark closes
/// and reopens the inner one.
package enum InlineMarkdown {
    /// One piece of inline text, in reading order.
    package enum Span: Equatable, Sendable {
        /// Plain text (number signs already as `−`).
        case text(String)
        /// A code span's text, verbatim.
        case code(String)
        /// A `$…$` formula's text, verbatim.
        case math(String)
        case strongStart, strongEnd, emphasisStart, emphasisEnd
        /// A link: its label's spans, and the url when its scheme is safe
        /// (`http`, `https`, `mailto`), otherwise `nil` (show the label only).
        case link(label: [Span], url: String?)
    }

    /// Characters a backslash makes literal.
    static let escapable: Set<Character> = Set("\\`*_$[]()#<>&-!")

    /// `text` as spans.
    package static func parse(_ text: String) -> [Span] {
        var parser = Parser(chars: Array(text))
        return parser.run()
    }

    private enum Mark: Equatable { case strong(Character), emphasis(Character) }

    private struct Parser {
        let chars: [Character]
        var spans: [Span] = []
        var pending = ""
        var open: [Mark] = []

        init(chars: [Character]) { self.chars = chars }

        mutating func run() -> [Span] {
            var i = 0
            while i < chars.count {
                if let next = escape(i) ?? code(i) ?? math(i) ?? emphasis(i) ?? link(i) {
                    i = next
                    continue
                }
                // A number's sign in prose is a minus for people (`1e-7` → `1e−7`).
                pending.append(NumberFormat.isNumberSign(chars, at: i) ? "−" : chars[i])
                i += 1
            }
            for mark in open.reversed() { emit(end(mark)) }
            flush()
            return spans
        }

        // MARK: Output

        mutating func flush() {
            if !pending.isEmpty { spans.append(.text(pending)); pending = "" }
        }
        mutating func emit(_ span: Span) { flush(); spans.append(span) }
        func start(_ mark: Mark) -> Span { if case .strong = mark { .strongStart } else { .emphasisStart } }
        func end(_ mark: Mark) -> Span { if case .strong = mark { .strongEnd } else { .emphasisEnd } }

        // MARK: Rules (each returns the index after what it consumed, or nil)

        func at(_ k: Int) -> Character? { k >= 0 && k < chars.count ? chars[k] : nil }
        func isSpace(_ c: Character?) -> Bool { c.map { $0.isWhitespace } ?? true }
        func isWordCharacter(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber } ?? false }

        /// The first index ≥ `from` where `marker` starts.
        func find(_ marker: [Character], from: Int) -> Int? {
            var j = from
            while j + marker.count <= chars.count {
                if chars[j..<(j + marker.count)].elementsEqual(marker) { return j }
                j += 1
            }
            return nil
        }

        /// Whether a closing `marker` (after a non-space) follows `from`; a
        /// single mark closes only where it stands alone (not in `**`).
        func closes(_ marker: [Character], from: Int) -> Bool {
            var j = from + 1
            while let k = find(marker, from: j) {
                let alone = marker.count > 1 || (chars[k - 1] != marker[0] && at(k + 1) != marker[0])
                if !isSpace(chars[k - 1]), alone { return true }
                j = k + 1
            }
            return false
        }

        mutating func escape(_ i: Int) -> Int? {
            guard chars[i] == "\\", let next = at(i + 1), InlineMarkdown.escapable.contains(next) else { return nil }
            pending.append(next)
            return i + 2
        }

        mutating func code(_ i: Int) -> Int? {
            guard chars[i] == "`" else { return nil }
            var ticks = 0
            while at(i + ticks) == "`" { ticks += 1 }
            let marker = Array(repeating: Character("`"), count: ticks)
            guard let end = find(marker, from: i + ticks) else {
                pending += String(marker)
                return i + ticks
            }
            var body = Substring(String(chars[(i + ticks)..<end]))
            while body.first == " " { body.removeFirst() }
            while body.last == " " { body.removeLast() }
            emit(.code(String(body)))
            return end + ticks
        }

        mutating func math(_ i: Int) -> Int? {
            guard chars[i] == "$", let next = at(i + 1), next != " ", next != "$",
                  let end = find(["$"], from: i + 1), end > i + 1, chars[end - 1] != " " else { return nil }
            emit(.math(String(chars[(i + 1)..<end])))
            return end + 1
        }

        mutating func emphasis(_ i: Int) -> Int? {
            let c = chars[i]
            guard c == "*" || c == "_" else { return nil }
            let before = at(i - 1)
            // An opening mark follows the start, a space or punctuation (never
            // a letter or digit: `2*3`, `snake_case`), and precedes a non-space.
            let canOpen = i == 0 || !isWordCharacter(before)
            if at(i + 1) == c {
                let mark = Mark.strong(c)
                if open.contains(mark) {
                    guard !isSpace(before) else { return nil }
                    close(mark)
                    return i + 2
                }
                if canOpen, !isSpace(at(i + 2)), closes([c, c], from: i + 2) {
                    open.append(mark); emit(.strongStart)
                    return i + 2
                }
                // Not a mark: both characters stay as written (`mid**word`).
                pending += String([c, c])
                return i + 2
            }
            let mark = Mark.emphasis(c)
            if open.contains(mark) {
                // A closing mark ends a word: `*word*s` is not emphasis yet.
                guard !isSpace(before), !isWordCharacter(at(i + 1)) else { return nil }
                close(mark)
                return i + 1
            }
            if canOpen, !isSpace(at(i + 1)), closes([c], from: i + 1) {
                open.append(mark); emit(.emphasisStart)
                return i + 1
            }
            return nil
        }

        /// Closes `mark`; marks opened inside it close first and open again after it.
        mutating func close(_ mark: Mark) {
            guard let k = open.lastIndex(of: mark) else { return }
            let inner = open[(k + 1)...]
            for m in inner.reversed() { emit(end(m)) }
            emit(end(mark))
            for m in inner { emit(start(m)) }
            open.remove(at: k)
        }

        mutating func link(_ i: Int) -> Int? {
            guard chars[i] == "[", let close = find(["]", "("], from: i + 1),
                  let end = find([")"], from: close + 2) else { return nil }
            let label = InlineMarkdown.parse(String(chars[(i + 1)..<close]))
            var url = Substring(String(chars[(close + 2)..<end]))
            while url.first == " " { url.removeFirst() }
            while url.last == " " { url.removeLast() }
            let lower = url.lowercased()
            let safe = lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:")
            emit(.link(label: label, url: safe ? String(url) : nil))
            return end + 1
        }
    }
}
