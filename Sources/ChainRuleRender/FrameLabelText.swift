// Reading an HTML label (a DOT statement's `label=<…>`) for `FrameLabelSwap`:
// its skeleton (every tag, in order) and its texts, each with the font size,
// weight and slant it is drawn in and its alignment in its cell. Two labels
// with the same skeleton differ only in their texts.
//
// One pass over the bytes, without copying tags (a swap reads two labels per
// object and frames swap hundreds of objects: a first version that compared
// tags as strings was 20 % of the MLP frames' instructions).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FrameLabelSwap {
    /// A text of an HTML label, with what places and sizes it.
    struct LabelText {
        /// Where the text is in the label (indices of the slice given to `parse`).
        var range: Range<Int>
        var size: Double
        var bold: Bool
        var italic: Bool
        /// Where the text sits in its cell: 0 left, 0.5 centre, 1 right; nil when not alone in its cell.
        var align: Double?
    }

    /// An HTML label read: its tags, concatenated (each ends at its first `>`,
    /// so equal skeletons mean equal tags), and its texts in order.
    struct Label {
        var skeleton: Bytes = []
        var texts: [LabelText] = []
    }

    /// Reads the label `html` (between `label=<` and its closing `>`), or nil
    /// when it has a tag or text this reader does not size (no font size, a `FACE`).
    static func parse(_ html: ArraySlice<UInt8>) -> Label? {
        html.withUnsafeBufferPointer { bytes in
            var reader = LabelReader(bytes: bytes, offset: html.startIndex)
            reader.label.skeleton.reserveCapacity(bytes.count)
            return reader.read() ? reader.label : nil
        }
    }
}

/// One pass over an HTML label's bytes (`FrameLabelSwap.parse`).
private struct LabelReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The label's first index in the caller's slice.
    let offset: Int
    var label = FrameLabelSwap.Label()
    /// Open `<FONT POINT-SIZE>`s, innermost last.
    var sizes: [Double] = []
    var bold = 0, italic = 0
    /// The current cell's alignment (nil: not one this reader places), its first text, whether it has a `<BR/>`.
    var cellAlign: Double? = nil
    var cellFirstText: Int? = nil
    var cellSplit = false

    mutating func read() -> Bool {
        var i = 0
        while i < bytes.count {
            let isTag = bytes[i] == UInt8(ascii: "<")
            var end = i
            if isTag {
                while end < bytes.count && bytes[end] != UInt8(ascii: ">") { end += 1 }
                guard end < bytes.count else { return false }
                end += 1
                label.skeleton.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
                guard tag(i..<end) else { return false }
            } else {
                while end < bytes.count && bytes[end] != UInt8(ascii: "<") { end += 1 }
                guard text(i..<end) else { return false }
            }
            i = end
        }
        return true
    }

    /// Takes note of one tag (`<` … `>`); false when the label cannot be read.
    mutating func tag(_ t: Range<Int>) -> Bool {
        guard t.count > 2 else { return true }
        switch bytes[t.lowerBound + 1] {  // which tag, by its first letter (or `/`)
        case UInt8(ascii: "F") where starts(t, "<FONT"):
            return font(t)
        case UInt8(ascii: "/"):
            if starts(t, "</FONT>") {
                guard !sizes.isEmpty else { return false }
                sizes.removeLast()
            } else if starts(t, "</B>") { bold -= 1 } else if starts(t, "</I>") { italic -= 1 }
            else if starts(t, "</TD>") { cellFirstText = nil }
        case UInt8(ascii: "B"):
            if starts(t, "<B>") { bold += 1 } else if starts(t, "<BR") { cellSplit = true; unalignCell() }
        case UInt8(ascii: "I") where starts(t, "<I>"):
            italic += 1
        case UInt8(ascii: "T") where starts(t, "<TD"):
            if find("BALIGN", in: t) != nil { cellAlign = nil }
            else if find("ALIGN=\"RIGHT\"", in: t) != nil { cellAlign = 1 }
            else if find("ALIGN=\"LEFT\"", in: t) != nil { cellAlign = 0 }
            else if find("ALIGN=", in: t) != nil && find("ALIGN=\"CENTER\"", in: t) == nil { cellAlign = nil }
            else { cellAlign = 0.5 }
            cellFirstText = nil
            cellSplit = false
        default:
            break
        }
        return true
    }

    /// A `<FONT>` tag: its `POINT-SIZE` opens; false without one, or with a `FACE`.
    mutating func font(_ t: Range<Int>) -> Bool {
        guard find("FACE=", in: t) == nil, let v = find("POINT-SIZE=\"", in: t) else { return false }
        var q = v
        while q < t.upperBound && bytes[q] != UInt8(ascii: "\"") { q += 1 }
        guard q < t.upperBound,
              let size = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[v..<q]), as: UTF8.self)) else { return false }
        sizes.append(size)
        return true
    }

    /// Takes note of one text (between tags); false when no font size is open.
    mutating func text(_ r: Range<Int>) -> Bool {
        guard let size = sizes.last else { return false }
        let alone = cellFirstText == nil && !cellSplit
        unalignCell()
        label.texts.append(FrameLabelSwap.LabelText(range: (r.lowerBound + offset)..<(r.upperBound + offset), size: size,
                                                    bold: bold > 0, italic: italic > 0, align: alone ? cellAlign : nil))
        if cellFirstText == nil { cellFirstText = label.texts.count - 1 }
        return true
    }

    /// The current cell's texts are not alone in it: none of them is placed by alignment.
    mutating func unalignCell() {
        guard let first = cellFirstText else { return }
        for k in first..<label.texts.count { label.texts[k].align = nil }
    }

    /// Whether the tag at `t` begins with `s`.
    func starts(_ t: Range<Int>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        return t.count >= n && memcmp(bytes.baseAddress! + t.lowerBound, s.utf8Start, n) == 0
    }

    /// Where the first `s` in the tag at `t` ends, or nil.
    func find(_ s: StaticString, in t: Range<Int>) -> Int? {
        let n = s.utf8CodeUnitCount
        guard t.count >= n else { return nil }
        let first = s.utf8Start.pointee
        for j in t.lowerBound...(t.upperBound - n) where bytes[j] == first && memcmp(bytes.baseAddress! + j, s.utf8Start, n) == 0 {
            return j + n
        }
        return nil
    }
}
