import Foundation

/// Joins single-page PDFs, as Graphviz's cairo plugin writes them, into one
/// document: Graphviz renders one page per call (its PDF output does not
/// paginate), and a worksheet too long for one sheet needs several.
///
/// Each input's objects are copied unchanged but for their numbers and the
/// references in their dictionaries (stream data is copied byte for byte);
/// its page tree, catalog and information dictionary are replaced by one of
/// each. Pages can be given a `/Rotate` (a landscape sheet drawn on a
/// portrait page turned upright in viewers) and the document a `/Title`.
enum PDFPages {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One object of an input file: its number and its bytes (`N 0 obj` … `endobj`).
    struct Object {
        let number: Int
        let bytes: ArraySlice<UInt8>
    }

    /// The in-use objects of a PDF with a classic cross-reference table, and its trailer's `/Root` and `/Info`.
    static func objects(_ pdf: [UInt8]) throws(Failure) -> (objects: [Object], root: Int, info: Int?) {
        // The last `startxref`, found in the bytes (the file's text is not needed: it is mostly stream data).
        let keyword = Array("startxref".utf8)
        var sx = pdf.count - keyword.count
        while sx >= 0 && !pdf[sx..<(sx + keyword.count)].elementsEqual(keyword) { sx -= 1 }
        guard sx >= 0,
              let xrefOffset = Int(latin1(pdf[(sx + keyword.count)...]).split(whereSeparator: \.isWhitespace).first ?? ""),
              xrefOffset < pdf.count else { throw Failure(description: "no cross-reference table") }
        let tail = latin1(pdf[xrefOffset...])
        var lines = tail.split(separator: "\n", omittingEmptySubsequences: true).map(trimmed)[...]
        guard lines.popFirst() == "xref" else { throw Failure(description: "cross-reference streams are not supported") }
        var offsets: [(number: Int, offset: Int)] = []
        while let header = lines.first, header != "trailer", !header.hasPrefix("trailer") {
            lines.removeFirst()
            let fields = header.split(separator: " ")
            guard fields.count == 2, let first = Int(fields[0]), let count = Int(fields[1]), count >= 0, count <= lines.count
            else { throw Failure(description: "bad cross-reference section '\(header)'") }
            for k in 0..<count {
                let entry = lines.removeFirst().split(separator: " ")
                guard entry.count >= 3, let offset = Int(entry[0]) else { throw Failure(description: "bad cross-reference entry") }
                if entry[2] == "n" { offsets.append((first + k, offset)) }
            }
        }
        let trailer = lines.joined(separator: "\n")
        guard let root = reference(after: "/Root", in: trailer) else { throw Failure(description: "no /Root") }
        let info = reference(after: "/Info", in: trailer)
        let sorted = offsets.sorted { $0.offset < $1.offset }
        var objects: [Object] = []
        for (k, entry) in sorted.enumerated() {
            let end = k + 1 < sorted.count ? sorted[k + 1].offset : xrefOffset
            guard entry.offset < end, end <= pdf.count else { throw Failure(description: "bad object offset") }
            objects.append(Object(number: entry.number, bytes: pdf[entry.offset..<end]))
        }
        return (objects, root, info)
    }

    /// A line without the spaces and tabs around it.
    static func trimmed(_ line: Substring) -> String {
        var line = line
        while let c = line.first, c == " " || c == "\t" { line.removeFirst() }
        while let c = line.last, c == " " || c == "\t" { line.removeLast() }
        return String(line)
    }

    /// The object number of `key N 0 R` in `text`.
    static func reference(after key: String, in text: String) -> Int? {
        guard let r = find(key, in: text) else { return nil }
        let fields = text[r.upperBound...].split(whereSeparator: \.isWhitespace).prefix(3)
        guard fields.count == 3, fields.last == "R" else { return nil }
        return Int(fields.first!)
    }

    /// Each byte as the character of that code point (ISO 8859-1), transcoded straight to UTF-8.
    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { utf8.append(b) } else { utf8.append(0xC0 | b >> 6); utf8.append(0x80 | b & 0x3F) }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    static func bytes(_ latin1: String) -> [UInt8] {
        latin1.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }

    /// An object's dictionary text (before any `stream` keyword) and the raw rest.
    static func split(_ object: ArraySlice<UInt8>) -> (head: String, rest: ArraySlice<UInt8>) {
        let keyword = Array("stream".utf8)
        var i = object.startIndex
        while i + keyword.count <= object.endIndex {
            if object[i] == keyword[0], object[i..<(i + keyword.count)].elementsEqual(keyword),
               i > object.startIndex, object[i - 1] == UInt8(ascii: "\n") || object[i - 1] == UInt8(ascii: ">") || object[i - 1] == UInt8(ascii: " ") || object[i - 1] == UInt8(ascii: "\r"),
               i >= object.startIndex + 3, !object[(i - 3)..<i].elementsEqual(Array("end".utf8)) {
                return (latin1(object[object.startIndex..<i]), object[i...])
            }
            i += 1
        }
        return (latin1(object), object[object.endIndex...])
    }

    /// `text` with every `N 0 R` and the `N 0 obj` header renumbered by `map`.
    ///
    /// Works on the UTF-8 bytes of `text` (Latin-1 text: every character
    /// above U+007F is two bytes, neither of them a digit or a delimiter, so
    /// tokens are found exactly where they are among the characters).
    static func renumber(_ text: String, _ map: (Int) -> Int) -> String {
        let bytes = Array(text.utf8)
        let n = bytes.count
        var out: [UInt8] = []
        out.reserveCapacity(n + 16)
        func isDigit(_ k: Int) -> Bool { k < n && bytes[k] >= UInt8(ascii: "0") && bytes[k] <= UInt8(ascii: "9") }
        func isDelimiter(_ k: Int) -> Bool {
            guard k < n else { return true }
            switch bytes[k] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: "/"),
                 UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("),
                 UInt8(ascii: ")"), UInt8(ascii: "%"): return true
            default: return false
            }
        }
        let suffixes = [Array(" 0 R".utf8), Array(" 0 obj".utf8)]
        var i = 0
        scan: while i < n {
            // A number that starts a token, followed by ` 0 R` or ` 0 obj`.
            if isDigit(i), i == 0 || isDelimiter(i - 1) {
                var j = i
                var number = 0, overflow = false
                while isDigit(j) {
                    let (times, o1) = number.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times.addingReportingOverflow(Int(bytes[j] - UInt8(ascii: "0")))
                    number = sum
                    overflow = overflow || o1 || o2
                    j += 1
                }
                if !overflow {
                    for suffix in suffixes where j + suffix.count <= n && bytes[j..<(j + suffix.count)].elementsEqual(suffix)
                        && isDelimiter(j + suffix.count) {
                        out += Array(String(map(number)).utf8)
                        out += suffix
                        i = j + suffix.count
                        continue scan
                    }
                }
                out += bytes[i..<j]
                i = j
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A PDF text string: ASCII as is (escaped), anything else as UTF-16BE hex.
    static func textString(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) {
            var out = "("
            for c in s.unicodeScalars {
                if c == "(" || c == ")" || c == "\\" { out += "\\" }
                out.unicodeScalars.append(c)
            }
            return out + ")"
        }
        return "<FEFF" + s.utf16.map { String(format: "%04X", $0) }.joined() + ">"
    }

    /// The pages of `documents` (each a one-or-more-page cairo PDF) as one PDF.
    /// One page of the joined document: the page of `document`, with `forms`
    /// drawn over it.
    struct Page {
        let document: [UInt8]
        var forms: [Form] = []
    }

    /// A one-page PDF drawn as a form XObject with its lower-left corner at
    /// (`x`, `y`) of the page it is drawn on, clipped to its own page.
    struct Form {
        let document: [UInt8]
        let x: Double
        let y: Double
    }

    static func join(_ documents: [[UInt8]], rotate: Int = 0, title: String? = nil) throws(Failure) -> [UInt8] {
        try join(documents.map { Page(document: $0) }, rotate: rotate, title: title)
    }

    static func join(_ pages: [Page], rotate: Int = 0, title: String? = nil) throws(Failure) -> [UInt8] {
        var writer = Writer()
        for (d, page) in pages.enumerated() {
            try writer.append(page, rotate: rotate, keepInfo: d == 0)
        }
        return try writer.finish(title: title)
    }

    /// The joined document as it is written: its bytes, each object's offset,
    /// the next free object number and the pages so far.
    struct Writer {
        var body: [UInt8] = Array("%PDF-1.5\n%\u{00B5}\u{00ED}\u{00AE}\u{00FB}\n".unicodeScalars.map { UInt8($0.value) })
        var offsets: [Int: Int] = [:]
        var next = 2
        /// The one page tree (object 1).
        let pagesNumber = 1
        var kids: [Int] = []
        /// The first input's information dictionary, renumbered.
        var infoText: String?

        /// Copies `page`'s document (and draws its forms over its page).
        mutating func append(_ page: Page, rotate: Int, keepInfo: Bool) throws(Failure) {
            // The forms first: their numbers are needed by the page that draws them.
            var forms: [(name: String, number: Int, x: Double, y: Double)] = []
            for (f, form) in page.forms.enumerated() {
                let number = try copyForm(form.document, into: &body, offsets: &offsets, next: &next)
                forms.append(("ChainRuleForm\(f)", number, form.x, form.y))
            }
            let parsed = try objects(page.document)
            var map: [Int: Int] = [:]
            var skip: Set<Int> = [parsed.root]
            if let info = parsed.info { skip.insert(info) }
            var heads: [Int: (String, ArraySlice<UInt8>)] = [:]
            for object in parsed.objects {
                let (head, rest) = split(object.bytes)
                heads[object.number] = (head, rest)
                if find("/Type /Pages", in: head) != nil { skip.insert(object.number); map[object.number] = pagesNumber }
            }
            for object in parsed.objects where !skip.contains(object.number) {
                map[object.number] = next; next += 1
            }
            let mapping: (Int) -> Int = { map[$0] ?? 0 }
            // Where the page's resources are, and two new streams around its content, to draw the forms.
            var resources: Int?
            var drawing: (before: Int, after: Int)?
            if !forms.isEmpty {
                guard let pageObject = parsed.objects.first(where: { isPage(heads[$0.number]!.0) }),
                      let r = reference(after: "/Resources", in: heads[pageObject.number]!.0)
                else { throw Failure(description: "no page resources") }
                resources = map[r]
                drawing = (next, next + 1); next += 2
            }
            if keepInfo, let info = parsed.info, let (head, _) = heads[info] {
                infoText = renumber(head, mapping)
            }
            for object in parsed.objects where !skip.contains(object.number) {
                let (head, rest) = heads[object.number]!
                var text = renumber(head, mapping)
                if drawing != nil, map[object.number] == resources {
                    text = addXObjects(forms.map { ($0.name, $0.number) }, to: text)
                }
                if isPage(text) {
                    kids.append(map[object.number]!)
                    text = try Self.page(text, drawing: drawing, rotate: rotate)
                }
                offsets[map[object.number]!] = body.count
                body += bytes(text)
                body += rest
            }
            if let drawing {
                // The page's own drawing inside q … Q, then each form at its place.
                addStream(drawing.before, "q\n", into: &body, offsets: &offsets)
                let draw = forms.map { "q 1 0 0 1 \(decimal($0.x)) \(decimal($0.y)) cm /\($0.name) Do Q\n" }.joined()
                addStream(drawing.after, "Q\n" + draw, into: &body, offsets: &offsets)
            }
        }

        /// A page object's text with its content between the `drawing`
        /// streams, if any, and its `/Rotate`.
        static func page(_ text: String, drawing: (before: Int, after: Int)?, rotate: Int) throws(Failure) -> String {
            var text = text
            if let drawing {
                guard let c = text.range(of: "/Contents "), let ref = reference(after: "/Contents", in: text)
                else { throw Failure(description: "no page contents") }
                let old = "/Contents \(ref) 0 R"
                guard text[c.lowerBound...].hasPrefix(old) else { throw Failure(description: "page contents is not one stream") }
                text.replaceSubrange(c.lowerBound..<text.index(c.lowerBound, offsetBy: old.count),
                                     with: "/Contents [ \(drawing.before) 0 R \(ref) 0 R \(drawing.after) 0 R ]")
            }
            if rotate != 0, let r = text.range(of: "/Type /Page") {
                text.insert(contentsOf: "\n   /Rotate \(rotate)", at: r.upperBound)
            }
            return text
        }

        mutating func add(_ number: Int, _ text: String) {
            offsets[number] = body.count
            body += Array("\(number) 0 obj\n\(text)\nendobj\n".utf8)
        }

        /// The page tree, catalog, information dictionary and cross-reference table.
        mutating func finish(title: String?) throws(Failure) -> [UInt8] {
            guard !kids.isEmpty else { throw Failure(description: "no pages") }
            add(pagesNumber, "<< /Type /Pages\n   /Kids [ " + kids.map { "\($0) 0 R" }.joined(separator: " ") + " ]\n   /Count \(kids.count)\n>>")
            let catalog = next; next += 1
            add(catalog, "<< /Type /Catalog\n   /Pages \(pagesNumber) 0 R\n>>")
            let info = next; next += 1
            var infoDictionary = infoText.map { info in
                // The copied dictionary, renumbered: keep its entries, drop its header.
                let start = info.range(of: "<<").map { info[$0.lowerBound...] } ?? ""
                let end = start.range(of: ">>", options: .backwards).map { start[..<$0.lowerBound] } ?? start
                return String(end)
            } ?? "<<"
            if let title { infoDictionary += "\n   /Title " + textString(title) }
            add(info, infoDictionary + "\n>>")
            let xref = body.count
            var table = "xref\n0 \(next)\n0000000000 65535 f \n"
            for n in 1..<next {
                let o = String(offsets[n] ?? 0)
                table += String(repeating: "0", count: max(0, 10 - o.count)) + o + (offsets[n] == nil ? " 00000 f \n" : " 00000 n \n")
            }
            table += "trailer\n<< /Size \(next)\n   /Root \(catalog) 0 R\n   /Info \(info) 0 R\n>>\nstartxref\n\(xref)\n%%EOF\n"
            return body + Array(table.utf8)
        }
    }

    /// Copies a one-page PDF's objects into `body` with its page's content
    /// stream turned into a form XObject (`/BBox` its media box, its page's
    /// resources); returns the form's object number.
    static func copyForm(_ document: [UInt8], into body: inout [UInt8], offsets: inout [Int: Int],
                         next: inout Int) throws(Failure) -> Int {
        let parsed = try objects(document)
        var heads: [Int: (String, ArraySlice<UInt8>)] = [:]
        for object in parsed.objects { heads[object.number] = split(object.bytes) }
        let pageNumbers = parsed.objects.map(\.number).filter { isPage(heads[$0]!.0) }
        guard pageNumbers.count == 1, let page = heads[pageNumbers[0]]?.0,
              let contents = reference(after: "/Contents", in: page), heads[contents] != nil,
              let resources = reference(after: "/Resources", in: page),
              let box = page.range(of: "/MediaBox [").map({ page[$0.upperBound...].prefix { $0 != "]" } })
        else { throw Failure(description: "not a one-page PDF with one content stream") }
        var skip: Set<Int> = [parsed.root, pageNumbers[0]]
        if let info = parsed.info { skip.insert(info) }
        for (number, head) in heads where head.0.contains("/Type /Pages") { skip.insert(number) }
        var map: [Int: Int] = [:]
        for object in parsed.objects where !skip.contains(object.number) { map[object.number] = next; next += 1 }
        for object in parsed.objects where !skip.contains(object.number) {
            let (head, rest) = heads[object.number]!
            var text = renumber(head, { map[$0] ?? 0 })
            if object.number == contents, let open = text.range(of: "<<") {
                text.insert(contentsOf: " /Type /XObject /Subtype /Form /BBox [\(box)] /Resources \(map[resources] ?? 0) 0 R"
                            + " /Group << /Type /Group /S /Transparency /I true /CS /DeviceRGB >>\n  ", at: open.upperBound)
            }
            offsets[map[object.number]!] = body.count
            body += bytes(text)
            body += rest
        }
        return map[contents]!
    }

    /// A resource dictionary's text with `forms` added to its `/XObject` entry.
    static func addXObjects(_ forms: [(name: String, number: Int)], to text: String) -> String {
        let entries = forms.map { " /\($0.name) \($0.number) 0 R" }.joined()
        var text = text
        if let x = text.range(of: "/XObject <<") {
            text.insert(contentsOf: entries, at: x.upperBound)
        } else if let open = text.range(of: "<<") {
            text.insert(contentsOf: "\n   /XObject <<\(entries) >>", at: open.upperBound)
        }
        return text
    }

    /// Appends object `number`: an uncompressed stream of `content`.
    static func addStream(_ number: Int, _ content: String, into body: inout [UInt8], offsets: inout [Int: Int]) {
        offsets[number] = body.count
        body += Array("\(number) 0 obj\n<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream\nendobj\n".utf8)
    }

    /// A number as PDF writes it (at most 3 decimals, no exponent).
    static func decimal(_ x: Double) -> String {
        var text = String(format: "%.3f", x)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// Where ASCII `needle` first occurs in `text`, searched by UTF-8 bytes
    /// (PDF syntax is ASCII; Foundation's `range(of:)` was 2 % of a worksheet
    /// worker's instructions).
    static func find(_ needle: String, in text: String) -> Range<String.Index>? {
        var text = text
        let pattern = Array(needle.utf8)
        let found = text.withUTF8 { ByteScan.find(pattern, in: $0, from: 0) }
        guard let found else { return nil }
        let start = text.utf8.index(text.startIndex, offsetBy: found)
        return start..<text.utf8.index(start, offsetBy: pattern.count)
    }

    /// Whether an object's dictionary is a page (`/Type /Page`, not `/Pages`).
    static func isPage(_ head: String) -> Bool {
        guard let r = find("/Type /Page", in: head) else { return false }
        return head[r.upperBound...].first.map { !$0.isLetter } ?? true
    }
}
