/// One token of a graph script. Tokens refer to the source bytes by offset;
/// a number token carries its value.
struct Token: Sendable {
    enum Kind: UInt8, Sendable {
        case identifier, number
        case plus, minus, star, slash, at, caret
        case leftParen, rightParen, leftBracket, rightBracket, comma, equals
        /// `{` and `}`: only `group NAME {` and a lone `}` use them.
        case leftBrace, rightBrace
        /// A line break: statements end here.
        case newline
        /// The end of the script.
        case end
    }

    var kind: Kind
    /// Byte offset of the first byte.
    var start: Int
    /// Byte offset just past the last byte.
    var end: Int
    var line: Int
    var column: Int
    /// The value of a `.number` token (0 otherwise).
    var number: Double = 0

    var site: Site { Site(offset: start, line: line, column: column) }

    /// `true` for `.newline` and `.end`: where a statement may stop.
    var endsStatement: Bool { kind == .newline || kind == .end }

    /// The binary operator this token spells, if any.
    var binaryOperator: BinaryOperator? {
        switch kind {
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .at: return .matmul
        case .caret: return .power
        default: return nil
        }
    }
}

extension SourceText {
    /// The token's text as written.
    func text(of token: Token) -> String {
        String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    }

    /// How a token is named in messages: `'+'`, `'x'`, `'1.5'`, `end of line`.
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .newline, .end: return "end of line"
        default:
            var text = text(of: token)
            if text.count > 24 { text = String(text.prefix(20)) + "…" }
            return "'\(text)'"
        }
    }
}
