/// The bytes of a script and the means to turn a byte offset into a line,
/// a column and a `Diagnostic`.
struct SourceText: Sendable {
    let bytes: [UInt8]
    let fileName: String
    /// The line number of the first line (1, or the line of a Markdown fence + 1).
    let firstLine: Int
    /// 3 when the text starts with a UTF-8 byte-order mark (skipped), else 0.
    let contentStart: Int

    init(bytes: [UInt8], fileName: String, firstLine: Int) {
        self.bytes = bytes
        self.fileName = fileName
        self.firstLine = firstLine
        self.contentStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// The offset where the line containing `offset` starts.
    func lineStart(containing offset: Int) -> Int {
        var i = min(offset, bytes.count)
        while i > contentStart && bytes[i - 1] != UInt8(ascii: "\n") { i -= 1 }
        return i
    }

    /// The offset of the line break (or end of text) ending the line that starts at `start`.
    func lineEnd(from start: Int) -> Int {
        var i = start
        while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
        return i
    }

    /// Line and column of a byte offset (columns count characters: every byte
    /// that does not continue a UTF-8 sequence starts one).
    func site(at offset: Int) -> Site {
        let offset = min(max(offset, contentStart), bytes.count)
        var line = firstLine
        for i in contentStart..<offset where bytes[i] == UInt8(ascii: "\n") { line += 1 }
        let start = lineStart(containing: offset)
        var column = 1
        for i in start..<offset where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return Site(offset: offset, line: line, column: column)
    }

    /// The text of the line containing `offset`, without `\r\n` / `\n`.
    func lineText(containing offset: Int) -> String {
        let start = lineStart(containing: offset)
        var end = lineEnd(from: start)
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// A diagnostic at a site whose line and column are already known.
    func diagnostic(at site: Site, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(fileName: fileName, line: site.line, column: site.column, message: message,
                   sourceLine: lineText(containing: site.offset), notes: notes)
    }

    /// A diagnostic at a byte offset.
    func diagnostic(atOffset offset: Int, _ message: String, notes: [String] = []) -> Diagnostic {
        diagnostic(at: site(at: offset), message, notes: notes)
    }

    /// The offset of the first byte that does not start a well-formed UTF-8
    /// sequence (overlong forms, surrogates, values above U+10FFFF and
    /// truncated sequences are ill-formed), or `nil` when all of it is valid.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { p -> Int? in
            let n = p.count
            var i = 0
            while i < n {
                // Eight ASCII bytes at a time (a script is almost all ASCII).
                while i + 8 <= n,
                      UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                guard i < n else { break }
                let b = p[i]
                if b < 0x80 { i += 1; continue }
                let length: Int
                var low: UInt8 = 0x80, high: UInt8 = 0xBF
                switch b {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default: return i
                }
                for k in 1..<length {
                    guard i + k < n else { return i }  // truncated sequence
                    let c = p[i + k]
                    let lo: UInt8 = k == 1 ? low : 0x80, hi: UInt8 = k == 1 ? high : 0xBF
                    if c < lo || c > hi { return i }
                }
                i += length
            }
            return nil
        }
    }
}
