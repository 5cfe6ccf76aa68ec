// Swapping the text of a cached SVG fragment instead of rendering the object again.
//
// Between two frames an object's DOT statement often changes only in its
// text: a value `?` becomes `100`, a gradient appears, the tooltip says so.
// Graphviz draws such a statement exactly as before except for those texts
// and their `x` (a cell's text is centred, or right-aligned, in a cell of a
// fixed size). `FrameLabelSwap` compares the object's old and new statements
// and, when nothing but texts differ, edits the old fragment: each changed
// `<text>` gets its new content and the `x` Graphviz computes from the span
// width (`GraphvizTextMetrics.labelWidth`, the built-in text layout's own
// number), and the tooltip is replaced. Anything it cannot do exactly (other
// attributes changed, a line break, characters that need escaping, text
// Graphviz would not size with the built-in DejaVu Sans table) returns nil:
// the caller renders the object through Graphviz. Tests hold every swapped
// fragment to the bytes Graphviz renders.

import ChainRuleSupport

/// Edits a cached SVG fragment for an object whose DOT statement changed only in its texts.
enum FrameLabelSwap {
    /// The fragment for `new`, made from `fragment` (Graphviz's rendering of `old`), or nil.
    static func swap(_ fragment: [UInt8], old: String, new: String) -> [UInt8]? {
        if old == new { return fragment }
        guard let a = Statement(old), let b = Statement(new), a.rest == b.rest else { return nil }
        var edits: [Edit] = []
        if a.tooltip != b.tooltip {
            guard let o = a.tooltip, let n = b.tooltip, isPlain(o), isPlain(n) else { return nil }
            let needle = Array(("xlink:title=\"" + xmlEscaped(o) + "\"").utf8)
            guard let at = firstIndex(of: needle, in: fragment, from: 0),
                  firstIndex(of: needle, in: fragment, from: at + 1) == nil else { return nil }
            edits.append(Edit(range: at..<(at + needle.count), bytes: Array(("xlink:title=\"" + xmlEscaped(n) + "\"").utf8)))
        }
        if a.label != b.label {
            guard let o = a.label, let n = b.label, let textEdits = labelEdits(fragment, old: o, new: n) else { return nil }
            edits += textEdits
        }
        edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(fragment.count + 64)
        var at = 0
        for edit in edits {
            guard edit.range.lowerBound >= at else { return nil }
            out += fragment[at..<edit.range.lowerBound]
            out += edit.bytes
            at = edit.range.upperBound
        }
        out += fragment[at...]
        return out
    }

    struct Edit {
        let range: Range<Int>
        let bytes: [UInt8]
    }

    /// One DOT node statement split into its HTML label, its tooltip, and everything else.
    struct Statement {
        var label: String?
        var tooltip: String?
        var rest: String

        init?(_ line: String) {
            var s = Substring(line)
            var rest = ""
            if let r = s.range(of: ", label=<") ?? s.range(of: "[label=<") {
                // The label is `<…>` with escaped text: balanced angle brackets.
                var depth = 1
                var i = r.upperBound
                while i < s.endIndex, depth > 0 {
                    if s[i] == "<" { depth += 1 } else if s[i] == ">" { depth -= 1 }
                    i = s.index(after: i)
                }
                guard depth == 0 else { return nil }
                label = String(s[r.upperBound..<s.index(before: i)])
                rest += s[..<r.upperBound]
                s = s[i...]
            }
            if let r = s.range(of: ", tooltip=\"") ?? s.range(of: "[tooltip=\"") {
                guard let close = s[r.upperBound...].firstIndex(of: "\"") else { return nil }
                tooltip = String(s[r.upperBound..<close])
                rest += s[..<r.upperBound]
                s = s[close...]
            }
            rest += s
            self.rest = rest
        }
    }

    /// Text Graphviz writes back as it is (apart from XML escaping of `-` and
    /// runs of spaces): nothing DOT, HTML or escString would change.
    static func isPlain(_ s: String) -> Bool {
        !s.isEmpty && !s.utf8.contains { c in
            c < 0x20 || c == 0x7F || c == UInt8(ascii: "&") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">")
                || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "\\")
        }
    }

    /// Graphviz's `xml_string0` for plain text: `-` as `&#45;`, the second and later of a run of spaces as `&#160;`.
    static func xmlEscaped(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: " ") }) else { return s }
        var out = ""
        var previousSpace = false
        for ch in s.unicodeScalars {
            if ch == "-" { out += "&#45;" } else if ch == " " && previousSpace { out += "&#160;" } else { out.unicodeScalars.append(ch) }
            previousSpace = ch == " "
        }
        return out
    }

    // MARK: - HTML labels

    /// A text of an HTML label, with what places and sizes it.
    struct LabelText {
        var text: String
        var size: Double
        var bold: Bool
        var italic: Bool
        /// Where the text sits in its cell: 0 left, 0.5 centre, 1 right; nil when not alone in its cell.
        var align: Double?
    }

    /// The label's tags (the skeleton) and texts, in order.
    static func parse(_ html: String) -> (tags: [Substring], texts: [LabelText])? {
        var tags: [Substring] = []
        var texts: [LabelText] = []
        var sizes: [Double] = []
        var bold = 0, italic = 0
        var cellAlign: Double? = nil
        var cellFirstText: Int? = nil
        var cellSplit = false
        var i = html.startIndex
        while i < html.endIndex {
            if html[i] == "<" {
                guard let close = html[i...].firstIndex(of: ">") else { return nil }
                let tag = html[i...close]
                tags.append(tag)
                if tag.hasPrefix("<FONT") {
                    guard !tag.contains("FACE="), let r = tag.range(of: "POINT-SIZE=\""),
                          let q = tag[r.upperBound...].firstIndex(of: "\""), let size = Double(tag[r.upperBound..<q]) else { return nil }
                    sizes.append(size)
                } else if tag == "</FONT>" {
                    guard !sizes.isEmpty else { return nil }
                    sizes.removeLast()
                } else if tag == "<B>" { bold += 1 } else if tag == "</B>" { bold -= 1 }
                else if tag == "<I>" { italic += 1 } else if tag == "</I>" { italic -= 1 }
                else if tag.hasPrefix("<TD") {
                    cellAlign = tag.contains("ALIGN=\"RIGHT\"") ? 1 : tag.contains("ALIGN=\"LEFT\"") ? 0
                        : tag.contains("ALIGN=") && !tag.contains("ALIGN=\"CENTER\"") ? nil : 0.5
                    if tag.contains("BALIGN") { cellAlign = nil }
                    cellFirstText = nil
                    cellSplit = false
                } else if tag.hasPrefix("<BR") {
                    cellSplit = true
                    if let first = cellFirstText { for k in first..<texts.count { texts[k].align = nil } }
                } else if tag == "</TD>" {
                    cellFirstText = nil
                }
                i = html.index(after: close)
            } else {
                let end = html[i...].firstIndex(of: "<") ?? html.endIndex
                guard let size = sizes.last else { return nil }
                let alone = cellFirstText == nil && !cellSplit
                if let first = cellFirstText { for k in first..<texts.count { texts[k].align = nil } }
                texts.append(LabelText(text: String(html[i..<end]), size: size, bold: bold > 0, italic: italic > 0,
                                       align: alone ? cellAlign : nil))
                if cellFirstText == nil { cellFirstText = texts.count - 1 }
                i = end
            }
        }
        return (tags, texts)
    }

    /// Edits of `fragment`'s `<text>` elements for the label `old` → `new`, or nil.
    static func labelEdits(_ fragment: [UInt8], old: String, new: String) -> [Edit]? {
        guard let a = parse(old), let b = parse(new), a.tags == b.tags, a.texts.count == b.texts.count else { return nil }
        let spans = textElements(fragment)
        guard spans.count == a.texts.count else { return nil }
        var edits: [Edit] = []
        for k in a.texts.indices where a.texts[k].text != b.texts[k].text {
            let o = a.texts[k], n = b.texts[k]
            guard let align = o.align, n.align == align, o.size == n.size, o.bold == n.bold, o.italic == n.italic,
                  isPlain(o.text), isPlain(n.text),
                  GraphvizTextMetrics.isKnown(o.text, bold: o.bold, italic: o.italic),
                  GraphvizTextMetrics.isKnown(n.text, bold: n.bold, italic: n.italic) else { return nil }
            let span = spans[k]
            guard Array(fragment[span.content]) == Array(xmlEscaped(o.text).utf8),
                  let x = Double(String(decoding: fragment[span.x], as: UTF8.self)) else { return nil }
            let wo = GraphvizTextMetrics.labelWidth(o.text, size: o.size, bold: o.bold, italic: o.italic)
            let wn = GraphvizTextMetrics.labelWidth(n.text, size: n.size, bold: n.bold, italic: n.italic)
            guard wo > 0, wn > 0 else { return nil }
            edits.append(Edit(range: span.x, bytes: Array(number(x + (wo - wn) * align).utf8)))
            edits.append(Edit(range: span.content, bytes: Array(xmlEscaped(n.text).utf8)))
        }
        return edits
    }

    /// A coordinate as Graphviz's `gvprintdouble` writes it: two decimals, trailing zeros cut.
    static func number(_ v: Double) -> String {
        if v > -0.005 && v < 0.005 { return "0" }
        var s = Array(String(format: "%.2f", v).utf8)
        while s.last == UInt8(ascii: "0") { s.removeLast() }
        if s.last == UInt8(ascii: ".") { s.removeLast() }
        return String(decoding: s, as: UTF8.self)
    }

    /// Each `<text …>…</text>` of a fragment: where its `x` value and its content are.
    static func textElements(_ fragment: [UInt8]) -> [(x: Range<Int>, content: Range<Int>)] {
        let open = Array("<text ".utf8), close = Array("</text>".utf8), xAttribute = Array(" x=\"".utf8)
        var out: [(x: Range<Int>, content: Range<Int>)] = []
        var at = 0
        while let start = firstIndex(of: open, in: fragment, from: at) {
            guard let end = fragment[start...].firstIndex(of: UInt8(ascii: ">")),
                  let xAt = firstIndex(of: xAttribute, in: fragment, from: start), xAt < end,
                  let xEnd = fragment[(xAt + xAttribute.count)...].firstIndex(of: UInt8(ascii: "\"")),
                  let stop = firstIndex(of: close, in: fragment, from: end) else { return [] }
            out.append((x: (xAt + xAttribute.count)..<xEnd, content: (end + 1)..<stop))
            at = stop + close.count
        }
        return out
    }
}
