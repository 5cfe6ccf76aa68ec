/// The commonest statements, read straight from the source bytes: `y = 2.5`,
/// `y = x`, `y = a op b` (names or numbers, any operator but `^`) and
/// `y = f(x)`, each alone on its line (spaces and tabs allowed between
/// tokens, no comment).
///
/// A scalar script of ten thousand lines is almost all such lines. Reading
/// one takes a few hundred instructions: no `Token`, `Statement` or
/// expression tree, and its names are interned straight from the bytes.
/// `scan` accepts exactly what the lexer and `Parser.nextStatement` would
/// read as the same statement and nothing else: any other line — a
/// comment, `data`, a group, a malformed number, an error of any kind — is
/// left to the general parser, which reports it as before. The builder then
/// adds the line through the same steps as `GraphBuilder.buildSimple`
/// (`GraphBuilder.add(_:name:)`), and `SimpleStatementTests` compares the
/// three paths on every shipped script and random ones.
struct SimpleLine: Sendable {
    /// A name (its interned symbol) or a number literal (`symbol == -1`).
    struct Operand: Sendable {
        var symbol: Int
        var number: Double
        var site: Site
    }

    enum Right: Sendable {
        /// `y = 2.5`: a scalar leaf.
        case number(Double)
        /// `y = x`: a node of its own (`identity`).
        case name(Operand)
        /// `y = a op b`; the site is the operator's.
        case binary(BinaryOperator, Operand, Operand, Site)
        /// `y = f(x)`: the function's symbol and site, and its operand.
        case call(Int, Site, Operand)
    }

    /// The assigned name's symbol and where it is.
    var symbol: Int
    var nameSite: Site
    /// `false` when the name cannot be a function's (`ScriptFunction.couldBeFunction`),
    /// so it cannot be a reserved one.
    var nameMayBeFunction: Bool
    var right: Right
    /// Where the right side starts.
    var rightSite: Site
    /// The offset just past the line (past its newline, or the end of the bytes).
    var end: Int
    /// `false` when the line is the last and has no newline.
    var endsWithNewline: Bool

    /// The simple statement starting at `start` (an identifier at the start
    /// of a statement on line `line`, which starts at `lineStart`), or `nil`
    /// when the line is anything else. Interns the names it reads.
    static func scan(_ bytes: [UInt8], from start: Int, line: Int, lineStart: Int,
                     _ symbols: inout SymbolTable) -> SimpleLine? {
        bytes.withUnsafeBufferPointer { p -> SimpleLine? in
            var reader = Reader(p: p, i: start, line: line, lineStart: lineStart)
            guard let (nameStart, nameEnd) = reader.identifier() else { return nil }
            reader.skipSpaces()
            guard reader.take(UInt8(ascii: "=")) else { return nil }
            reader.skipSpaces()
            let rightStart = reader.i
            guard let first = reader.operand() else { return nil }
            reader.skipSpaces()
            let right: Right
            if reader.atEndOfLine {
                // `y = 2.5` or `y = x`.
                if let (s, e) = first.name {
                    right = .name(Operand(symbol: symbols.intern(p, s, e), number: 0, site: reader.site(s)))
                } else {
                    right = .number(first.number)
                }
            } else if reader.take(UInt8(ascii: "(")) {
                // `y = f(x)`.
                guard let (fs, fe) = first.name else { return nil }
                reader.skipSpaces()
                guard let (xs, xe) = reader.identifier() else { return nil }
                reader.skipSpaces()
                guard reader.take(UInt8(ascii: ")")) else { return nil }
                reader.skipSpaces()
                guard reader.atEndOfLine else { return nil }
                let f = symbols.intern(p, fs, fe)
                let x = Operand(symbol: symbols.intern(p, xs, xe), number: 0, site: reader.site(xs))
                right = .call(f, reader.site(fs), x)
            } else {
                // `y = a op b`.
                let operatorSite = reader.site(reader.i)
                guard let op = reader.binaryOperator() else { return nil }
                reader.skipSpaces()
                guard let second = reader.operand() else { return nil }
                reader.skipSpaces()
                guard reader.atEndOfLine else { return nil }
                right = .binary(op, first.interned(p, reader, &symbols), second.interned(p, reader, &symbols), operatorSite)
            }
            let symbol = symbols.intern(p, nameStart, nameEnd)
            let endsWithNewline = reader.i < p.count
            return SimpleLine(symbol: symbol, nameSite: reader.site(nameStart),
                              nameMayBeFunction: ScriptFunction.couldBeFunction(p, nameStart, nameEnd),
                              right: right, rightSite: reader.site(rightStart),
                              end: endsWithNewline ? reader.i + 1 : reader.i, endsWithNewline: endsWithNewline)
        }
    }

    /// A name (its byte range) or a number, as read.
    private struct Read {
        var name: (Int, Int)?
        var number: Double
        var start: Int

        func interned(_ p: UnsafeBufferPointer<UInt8>, _ reader: Reader, _ symbols: inout SymbolTable) -> Operand {
            if let (s, e) = name { return Operand(symbol: symbols.intern(p, s, e), number: 0, site: reader.site(s)) }
            return Operand(symbol: -1, number: number, site: reader.site(start))
        }
    }

    /// The bytes of one line, the lexer's rules for each token.
    private struct Reader {
        let p: UnsafeBufferPointer<UInt8>
        var i: Int
        let line: Int
        let lineStart: Int

        func site(_ offset: Int) -> Site { Site(offset: offset, line: line, column: offset - lineStart + 1) }

        /// Spaces, tabs and carriage returns (the lexer's whitespace).
        mutating func skipSpaces() {
            while i < p.count && (p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D) { i += 1 }
        }

        /// At a newline or the end (a `#` comment is left to the lexer).
        var atEndOfLine: Bool { i == p.count || p[i] == 0x0A }

        mutating func take(_ byte: UInt8) -> Bool {
            guard i < p.count && p[i] == byte else { return false }
            i += 1
            return true
        }

        mutating func identifier() -> (Int, Int)? {
            guard i < p.count && Lexer.isIdentifierStart(p[i]) else { return nil }
            let start = i
            i += 1
            while i < p.count && Lexer.isIdentifierContinue(p[i]) { i += 1 }
            return (start, i)
        }

        /// `+ - * / @` (`^` takes the general path: its right side is an exponent).
        mutating func binaryOperator() -> BinaryOperator? {
            guard i < p.count else { return nil }
            let op: BinaryOperator
            switch p[i] {
            case UInt8(ascii: "+"): op = .add
            case UInt8(ascii: "-"): op = .subtract
            case UInt8(ascii: "*"): op = .multiply
            case UInt8(ascii: "/"): op = .divide
            case UInt8(ascii: "@"): op = .matmul
            default: return nil
            }
            i += 1
            return op
        }

        /// A name or a number literal.
        mutating func operand() -> Read? {
            let start = i
            if let name = identifier() { return Read(name: name, number: 0, start: start) }
            guard let number = number() else { return nil }
            return Read(name: nil, number: number, start: start)
        }

        /// A number as `Lexer.lexNumber` reads it, or `nil` for anything it
        /// would not accept (left to it, for its error message).
        mutating func number() -> Double? {
            let n = p.count, start = i
            var j = i
            @inline(__always) func isDigit(_ k: Int) -> Bool { k < n && Lexer.isDigit(p[k]) }
            guard isDigit(j) || (j < n && p[j] == UInt8(ascii: ".") && isDigit(j + 1)) else { return nil }
            while isDigit(j) { j += 1 }
            if j < n && p[j] == UInt8(ascii: ".") {
                j += 1
                while isDigit(j) { j += 1 }
            }
            if j < n && (p[j] == UInt8(ascii: "e") || p[j] == UInt8(ascii: "E")) {
                var k = j + 1
                if k < n && (p[k] == UInt8(ascii: "+") || p[k] == UInt8(ascii: "-")) { k += 1 }
                guard isDigit(k) else { return nil }
                while isDigit(k) { k += 1 }
                j = k
            }
            guard !(j < n && (Lexer.isIdentifierContinue(p[j]) || p[j] == UInt8(ascii: "."))),
                  j - start <= Lexer.maxNumberLength,
                  let value = Double(String(decoding: UnsafeBufferPointer(rebasing: p[start..<j]), as: UTF8.self)),
                  value.isFinite else { return nil }
            i = j
            return value
        }
    }
}
