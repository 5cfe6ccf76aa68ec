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
        var lines = tail.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }[...]
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

    /// The object number of `key N 0 R` in `text`.
    static func reference(after key: String, in text: String) -> Int? {
        guard let r = text.range(of: key) else { return nil }
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
    static func renumber(_ text: String, _ map: (Int) -> Int) -> String {
        var out = ""
        out.reserveCapacity(text.count + 16)
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < scalars.count && ("0"..."9").contains(scalars[k]) }
        func isDelimiter(_ k: Int) -> Bool {
            k >= scalars.count || " \n\r\t/<>[]()%".unicodeScalars.contains(scalars[k])
        }
        while i < scalars.count {
            // A number that starts a token, followed by ` 0 R` or ` 0 obj`.
            if isDigit(i), i == 0 || isDelimiter(i - 1) {
                var j = i
                while isDigit(j) { j += 1 }
                let number = Int(String(String.UnicodeScalarView(scalars[i..<j])))!
                for suffix in [" 0 R", " 0 obj"] {
                    let s = Array(suffix.unicodeScalars)
                    if j + s.count <= scalars.count, Array(scalars[j..<(j + s.count)]) == s, isDelimiter(j + s.count) {
                        out += String(map(number)) + suffix
                        i = j + s.count
                        break
                    }
                }
                if i == j + 4 || i == j + 6 { continue }
                out.unicodeScalars.append(contentsOf: scalars[i..<j])
                i = j
                continue
            }
            out.unicodeScalars.append(scalars[i])
            i += 1
        }
        return out
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
    static func join(_ documents: [[UInt8]], rotate: Int = 0, title: String? = nil) throws(Failure) -> [UInt8] {
        var body: [UInt8] = Array("%PDF-1.5\n%\u{00B5}\u{00ED}\u{00AE}\u{00FB}\n".unicodeScalars.map { UInt8($0.value) })
        var offsets: [Int: Int] = [:]
        var next = 1
        let pagesNumber = next; next += 1
        var kids: [Int] = []
        var infoText: String?
        for (d, document) in documents.enumerated() {
            let parsed = try objects(document)
            var map: [Int: Int] = [:]
            var skip: Set<Int> = [parsed.root]
            if let info = parsed.info { skip.insert(info) }
            var heads: [Int: (String, ArraySlice<UInt8>)] = [:]
            for object in parsed.objects {
                let (head, rest) = split(object.bytes)
                heads[object.number] = (head, rest)
                if head.contains("/Type /Pages") { skip.insert(object.number); map[object.number] = pagesNumber }
            }
            for object in parsed.objects where !skip.contains(object.number) {
                map[object.number] = next; next += 1
            }
            let mapping: (Int) -> Int = { map[$0] ?? 0 }
            if d == 0, let info = parsed.info, let (head, _) = heads[info] {
                infoText = renumber(head, mapping)
            }
            for object in parsed.objects where !skip.contains(object.number) {
                let (head, rest) = heads[object.number]!
                var text = renumber(head, mapping)
                if isPage(text) {
                    kids.append(map[object.number]!)
                    if rotate != 0, let r = text.range(of: "/Type /Page") {
                        text.insert(contentsOf: "\n   /Rotate \(rotate)", at: r.upperBound)
                    }
                }
                offsets[map[object.number]!] = body.count
                body += bytes(text)
                body += rest
            }
        }
        guard !kids.isEmpty else { throw Failure(description: "no pages") }
        func add(_ number: Int, _ text: String) {
            offsets[number] = body.count
            body += Array("\(number) 0 obj\n\(text)\nendobj\n".utf8)
        }
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

    /// Whether an object's dictionary is a page (`/Type /Page`, not `/Pages`).
    static func isPage(_ head: String) -> Bool {
        guard let r = head.range(of: "/Type /Page") else { return false }
        return head[r.upperBound...].first.map { !$0.isLetter } ?? true
    }
}
