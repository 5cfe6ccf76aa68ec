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
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Edits a cached SVG fragment for an object whose DOT statement changed only in its texts.
enum FrameLabelSwap {
    typealias Bytes = [UInt8]

    /// The fragment for the statement `new`, made from `fragment` (Graphviz's
    /// rendering of the statement `old`; both DOT lines), or nil.
    static func swap(_ fragment: Bytes, old: Bytes, new: Bytes) -> Bytes? {
        if old == new { return fragment }
        guard let a = Statement(old), let b = Statement(new), a.rest == b.rest else { return nil }
        var edits: [Edit] = []
        if a.tooltip != b.tooltip {
            guard let o = a.tooltip, let n = b.tooltip, isPlain(o), isPlain(n) else { return nil }
            let needle = Bytes("xlink:title=\"".utf8) + xmlEscaped(o) + [UInt8(ascii: "\"")]
            guard let at = firstIndex(of: needle, in: fragment, from: 0),
                  firstIndex(of: needle, in: fragment, from: at + 1) == nil else { return nil }
            edits.append(Edit(range: at..<(at + needle.count), bytes: Bytes("xlink:title=\"".utf8) + xmlEscaped(n) + [UInt8(ascii: "\"")]))
        }
        if a.label != b.label {
            guard let o = a.label, let n = b.label, let textEdits = labelEdits(fragment, old: o, new: n) else { return nil }
            edits += textEdits
        }
        edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out: Bytes = []
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
        let bytes: Bytes
    }

    /// One DOT node statement split into its HTML label, its tooltip, and
    /// everything else but its geometry (`pos`, `width`, `height`: an object
    /// has one place and size in every frame of a layout, pinned or not —
    /// the layout pass's unpinned statements compare with pinned ones).
    struct Statement {
        var label: ArraySlice<UInt8>?
        var tooltip: ArraySlice<UInt8>?
        var rest: Bytes = []

        init?(_ line: Bytes) {
            var at = 0
            if let r = Self.find(", label=<", "[label=<", in: line) {
                // The label is `<…>` with escaped text: balanced angle brackets.
                var depth = 1
                var i = r
                while i < line.count, depth > 0 {
                    if line[i] == UInt8(ascii: "<") { depth += 1 } else if line[i] == UInt8(ascii: ">") { depth -= 1 }
                    i += 1
                }
                guard depth == 0 else { return nil }
                label = line[r..<(i - 1)]
                rest += line[..<r]
                at = i - 1
            }
            if let r = Self.find(", tooltip=\"", "[tooltip=\"", in: line, from: at) {
                guard let close = line[r...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                tooltip = line[r..<close]
                rest += line[at..<r]
                at = close
            }
            rest += line[at...]
            for key in ["height=\"", "pos=\"", "width=\""] { Self.remove(key, from: &rest) }
        }

        /// Removes the attribute that starts with `key` (`pos="`) from a statement's attribute list, if any.
        static func remove(_ key: String, from rest: inout Bytes) {
            let k = Bytes(key.utf8)
            var from = 0
            while let p = firstIndex(of: k, in: rest, from: from) {
                from = p + 1
                let afterComma = p >= 2 && rest[p - 2] == UInt8(ascii: ",") && rest[p - 1] == UInt8(ascii: " ")
                let first = p >= 1 && rest[p - 1] == UInt8(ascii: "[")
                guard afterComma || first, let close = rest[(p + k.count)...].firstIndex(of: UInt8(ascii: "\"")) else { continue }
                if afterComma {
                    rest.removeSubrange((p - 2)...close)
                } else {
                    let separator = close + 2 < rest.count && rest[close + 1] == UInt8(ascii: ",") && rest[close + 2] == UInt8(ascii: " ")
                    rest.removeSubrange(p...(separator ? close + 2 : close))
                }
                return
            }
        }

        /// Where the first of two markers ends (the attribute's value starts).
        static func find(_ a: String, _ b: String, in line: Bytes, from: Int = 0) -> Int? {
            let x = Bytes(a.utf8), y = Bytes(b.utf8)
            let i = firstIndex(of: x, in: line, from: from).map { $0 + x.count }
            let j = firstIndex(of: y, in: line, from: from).map { $0 + y.count }
            switch (i, j) {
            case let (i?, j?): return min(i, j)
            default: return i ?? j
            }
        }
    }

    /// Text Graphviz writes back as it is (apart from XML escaping of `-` and
    /// runs of spaces): nothing DOT, HTML or escString would change.
    static func isPlain<C: Collection<UInt8>>(_ s: C) -> Bool {
        !s.isEmpty && !s.contains { c in
            c < 0x20 || c == 0x7F || c == UInt8(ascii: "&") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">")
                || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "\\")
        }
    }

    /// Graphviz's `xml_string0` for plain text: `-` as `&#45;`, the second and later of a run of spaces as `&#160;`.
    static func xmlEscaped<C: Collection<UInt8>>(_ s: C) -> Bytes {
        var out = Bytes()
        out.reserveCapacity(s.count + 8)
        var previousSpace = false
        for c in s {
            if c == UInt8(ascii: "-") { out += Bytes("&#45;".utf8) }
            else if c == UInt8(ascii: " ") && previousSpace { out += Bytes("&#160;".utf8) }
            else { out.append(c) }
            previousSpace = c == UInt8(ascii: " ")
        }
        return out
    }

    static func xmlEscaped(_ s: String) -> String { String(decoding: xmlEscaped(Bytes(s.utf8)), as: UTF8.self) }

    /// Edits of `fragment`'s `<text>` elements for the label `old` → `new`, or nil.
    static func labelEdits(_ fragment: Bytes, old: ArraySlice<UInt8>, new: ArraySlice<UInt8>) -> [Edit]? {
        guard let a = parse(old), let b = parse(new), a.skeleton == b.skeleton, a.texts.count == b.texts.count else { return nil }
        let spans = textElements(fragment)
        guard spans.count == a.texts.count else { return nil }
        var edits: [Edit] = []
        for k in a.texts.indices where !old[a.texts[k].range].elementsEqual(new[b.texts[k].range]) {
            let o = a.texts[k], n = b.texts[k]
            let ob = old[o.range], nb = new[n.range]
            guard let align = o.align, n.align == align, o.size == n.size, o.bold == n.bold, o.italic == n.italic,
                  isPlain(ob), isPlain(nb) else { return nil }
            let ot = String(decoding: ob, as: UTF8.self), nt = String(decoding: nb, as: UTF8.self)
            guard GraphvizTextMetrics.isKnown(ot, bold: o.bold, italic: o.italic),
                  GraphvizTextMetrics.isKnown(nt, bold: n.bold, italic: n.italic) else { return nil }
            let span = spans[k]
            guard fragment[span.content].elementsEqual(xmlEscaped(ob)),
                  let x = Double(String(decoding: fragment[span.x], as: UTF8.self)) else { return nil }
            let wo = GraphvizTextMetrics.labelWidth(ot, size: o.size, bold: o.bold, italic: o.italic)
            let wn = GraphvizTextMetrics.labelWidth(nt, size: n.size, bold: n.bold, italic: n.italic)
            guard wo > 0, wn > 0 else { return nil }
            edits.append(Edit(range: span.x, bytes: numberBytes(x + (wo - wn) * align)))
            edits.append(Edit(range: span.content, bytes: xmlEscaped(nb)))
        }
        return edits
    }

    /// A coordinate as Graphviz's `gvprintdouble` writes it: two decimals, trailing zeros cut.
    static func number(_ v: Double) -> String { String(decoding: numberBytes(v), as: UTF8.self) }

    /// `number` as bytes (C's `%.2f`, as Graphviz prints it).
    static func numberBytes(_ v: Double) -> Bytes {
        if v > -0.005 && v < 0.005 { return [UInt8(ascii: "0")] }
        var buffer = [CChar](repeating: 0, count: 64)
        let n = Int(withVaList([v]) { vsnprintf(&buffer, buffer.count, "%.2f", $0) })
        var s = buffer[0..<max(0, min(n, buffer.count - 1))].map { UInt8(bitPattern: $0) }
        while s.last == UInt8(ascii: "0") { s.removeLast() }
        if s.last == UInt8(ascii: ".") { s.removeLast() }
        return s
    }

    /// Each `<text …>…</text>` of a fragment: where its `x` value and its content are.
    static func textElements(_ fragment: Bytes) -> [(x: Range<Int>, content: Range<Int>)] {
        let open = Bytes("<text ".utf8), close = Bytes("</text>".utf8), xAttribute = Bytes(" x=\"".utf8)
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
