/// Splits a script's UTF-8 bytes into tokens, one at a time.
///
/// The lexer works on bytes and runs in linear time. Every token is ASCII, so
/// a token's column is its byte distance from the start of its line (any
/// non-ASCII character outside a comment is an error, and nothing follows a
/// comment on its line). Whitespace is space, tab and carriage return; `#`
/// starts a comment that runs to the end of the line.
struct Lexer: Sendable {
    let source: SourceText
    private(set) var position: Int
    private(set) var line: Int
    private(set) var lineStart: Int

    /// Number literals longer than this are rejected (they would only slow
    /// down number parsing; no Double needs more digits).
    static let maxNumberLength = 1000

    init(source: SourceText) {
        self.source = source
        self.position = source.contentStart
        self.line = source.firstLine
        self.lineStart = source.contentStart
    }

    private func makeToken(_ kind: Token.Kind, _ start: Int, _ end: Int) -> Token {
        Token(kind: kind, start: start, end: end, line: line, column: start - lineStart + 1)
    }

    private func site(_ offset: Int) -> Site {
        Site(offset: offset, line: line, column: offset - lineStart + 1)
    }

    /// Continues at `offset`, the start of line `line` (or, with
    /// `newLine` false, the end of the bytes on the current line): past a
    /// line read without tokens (`SimpleLine`).
    mutating func skip(to offset: Int, newLine: Bool) {
        position = offset
        if newLine {
            line += 1
            lineStart = offset
        }
    }

    /// The next token.
    mutating func next() throws(Diagnostic) -> Token {
        let bytes = source.bytes
        let n = bytes.count
        var i = position
        // Skip whitespace and comments.
        while i < n {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0D {
                i += 1
            } else if b == UInt8(ascii: "#") {
                while i < n && bytes[i] != 0x0A {
                    if bytes[i] == 0 { throw source.diagnostic(atOffset: i, "unexpected NUL byte") }
                    i += 1
                }
            } else {
                break
            }
        }
        guard i < n else {
            position = n
            return makeToken(.end, n, n)
        }
        let start = i
        let b = bytes[i]
        let kind: Token.Kind
        switch b {
        case 0x0A:
            let token = makeToken(.newline, start, start + 1)
            position = start + 1
            line += 1
            lineStart = position
            return token
        case UInt8(ascii: "+"): kind = .plus
        case UInt8(ascii: "-"): kind = .minus
        case UInt8(ascii: "*"): kind = .star
        case UInt8(ascii: "/"): kind = .slash
        case UInt8(ascii: "@"): kind = .at
        case UInt8(ascii: "^"): kind = .caret
        case UInt8(ascii: "("): kind = .leftParen
        case UInt8(ascii: ")"): kind = .rightParen
        case UInt8(ascii: "["): kind = .leftBracket
        case UInt8(ascii: "]"): kind = .rightBracket
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: "="): kind = .equals
        case UInt8(ascii: "{"): kind = .leftBrace
        case UInt8(ascii: "}"): kind = .rightBrace
        default:
            if Self.isIdentifierStart(b) {
                i += 1
                while i < n && Self.isIdentifierContinue(bytes[i]) { i += 1 }
                position = i
                return makeToken(.identifier, start, i)
            }
            if Self.isDigit(b) || (b == UInt8(ascii: ".") && i + 1 < n && Self.isDigit(bytes[i + 1])) {
                return try lexNumber(from: start)
            }
            throw unexpectedCharacter(at: start)
        }
        position = start + 1
        return makeToken(kind, start, start + 1)
    }

    /// `2`, `-` is separate, `3.5`, `.5`, `1.`, `1e-3`, `2E+10`.
    private mutating func lexNumber(from start: Int) throws(Diagnostic) -> Token {
        let bytes = source.bytes
        let n = bytes.count
        var i = start
        while i < n && Self.isDigit(bytes[i]) { i += 1 }
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && Self.isDigit(bytes[i]) { i += 1 }
        }
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            var j = i + 1
            if j < n && (bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-")) { j += 1 }
            if j < n && Self.isDigit(bytes[j]) {
                while j < n && Self.isDigit(bytes[j]) { j += 1 }
                i = j
            } else {
                let text = String(decoding: bytes[start..<min(j, n)], as: UTF8.self)
                throw source.diagnostic(at: site(start), "invalid number '\(text)': expected digits after the exponent")
            }
        }
        if i < n && (Self.isIdentifierContinue(bytes[i]) || bytes[i] == UInt8(ascii: ".")) {
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            var notes: [String] = []
            if Self.isIdentifierStart(bytes[i]) {
                var k = i
                while k < n && Self.isIdentifierContinue(bytes[k]) { k += 1 }
                let name = String(decoding: bytes[i..<k], as: UTF8.self)
                notes.append("write '\(text) * \(name)' to multiply")
            }
            throw source.diagnostic(at: site(i), "unexpected '\(Character(Unicode.Scalar(bytes[i])))' after the number '\(text)'", notes: notes)
        }
        if i - start > Self.maxNumberLength {
            throw source.diagnostic(at: site(start), "number literal is too long (more than \(Self.maxNumberLength) characters)")
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw source.diagnostic(at: site(start), "number out of range",
                                    notes: ["'\(text.count > 24 ? String(text.prefix(20)) + "…" : text)' does not fit in a Double (the largest is about 1.8e308)"])
        }
        position = i
        var token = makeToken(.number, start, i)
        token.number = value
        return token
    }

    /// A diagnostic for a byte that cannot start a token (the source is valid UTF-8).
    private func unexpectedCharacter(at offset: Int) -> Diagnostic {
        let bytes = source.bytes
        let b = bytes[offset]
        if b == 0 { return source.diagnostic(at: site(offset), "unexpected NUL byte") }
        if b < 0x80 {
            let scalar = Unicode.Scalar(b)
            if b < 0x20 || b == 0x7F {
                return source.diagnostic(at: site(offset), "unexpected control character \(Self.codePoint(scalar))")
            }
            var notes: [String] = []
            switch scalar {
            case ";": notes = ["write one statement per line"]
            case "%", "&", "|", "!", "<", ">", "~": notes = ["operators are + - * / @ ^"]
            case "'", "\"": notes = ["graph scripts have no strings"]
            default: break
            }
            return source.diagnostic(at: site(offset), "unexpected character '\(Character(scalar))'", notes: notes)
        }
        // Decode the scalar (valid UTF-8 was checked before lexing).
        var end = offset + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        let scalar = text.unicodeScalars.first ?? "\u{FFFD}"
        var notes: [String] = []
        switch scalar {
        case "×", "·", "⋅", "∗": notes = ["did you mean '*'?"]
        case "−", "–", "—": notes = ["did you mean '-'?"]
        case "÷", "∕": notes = ["did you mean '/'?"]
        case "\u{A0}", "\u{2002}", "\u{2003}", "\u{2009}", "\u{200B}", "\u{3000}", "\u{FEFF}":
            notes = ["only spaces and tabs separate tokens"]
        default: break
        }
        let shown = scalar.properties.isWhitespace || scalar.properties.generalCategory == .format
            ? "" : "'\(text)' "
        return source.diagnostic(at: site(offset), "unexpected character \(shown)(\(Self.codePoint(scalar)))", notes: notes)
    }

    static func codePoint(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }
    @inline(__always) static func isIdentifierContinue(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
}
