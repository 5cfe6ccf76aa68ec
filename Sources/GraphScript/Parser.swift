import ChainRule

/// Turns tokens into statements, one line at a time.
///
/// Expressions are parsed by operator precedence with explicit operand and
/// operator stacks instead of recursion, so no input can exhaust the call
/// stack. Parentheses and calls may still nest only `maxNestingDepth` deep,
/// with a clear error past that.
struct Parser: Sendable {
    private var lexer: Lexer
    private var current: Token
    /// Tokens already lexed past `current` by `peek` (at most two), in order.
    private var ahead0: Token? = nil
    private var ahead1: Token? = nil
    /// Every identifier seen so far, interned.
    private(set) var symbols = SymbolTable()
    /// Scratch stacks of `parseExpression`, kept between statements so they
    /// are allocated once.
    private var operandStack: [Int] = []
    private var operatorStack: [Pending] = []
    /// The node storage of the last expression; handed out with the tree and
    /// reused for the next one once the caller has dropped it.
    private var treeStorage: [ExpressionNode] = []
    private var source: SourceText { lexer.source }
    let maxNestingDepth: Int
    let maxNodes: Int
    /// Whether the commonest right sides take `parseSimpleExpression`
    /// (off only in tests that compare it with `parseExpression`).
    let simpleExpressions: Bool

    init(source: SourceText, maxNestingDepth: Int, maxNodes: Int, simpleExpressions: Bool = true) throws(Diagnostic) {
        lexer = Lexer(source: source)
        current = try lexer.next()
        self.maxNestingDepth = maxNestingDepth
        self.maxNodes = maxNodes
        self.simpleExpressions = simpleExpressions
    }

    private mutating func advance() throws(Diagnostic) {
        if let next = ahead0 {
            current = next
            ahead0 = ahead1
            ahead1 = nil
        } else {
            current = try lexer.next()
        }
    }

    /// The token `count` (1 or 2) after `current`, without consuming anything
    /// (the tokens are lexed once and kept for `advance`).
    private mutating func peek(_ count: Int = 1) throws(Diagnostic) -> Token {
        if ahead0 == nil { ahead0 = try lexer.next() }
        if count == 1 { return ahead0! }
        precondition(count == 2, "peek looks at most two tokens ahead")
        if ahead1 == nil { ahead1 = try lexer.next() }
        return ahead1!
    }

    /// Makes room for about `count` distinct names.
    mutating func reserveSymbols(_ count: Int) { symbols.reserveCapacity(count) }

    /// The interned name of an identifier token.
    private mutating func symbol(of token: Token) -> Int {
        symbols.intern(source.bytes, token.start, token.end)
    }

    private func error(at token: Token, _ message: String, notes: [String] = []) -> Diagnostic {
        source.diagnostic(at: token.site, message, notes: notes)
    }

    /// The next statement, or `nil` at the end of the script. Group lines
    /// (`group NAME {`, `}`) before it are read on the way and update
    /// `openGroups`, so after the call `openGroups.last` is the statement's group.
    mutating func nextStatement() throws(Diagnostic) -> Statement? {
        while true {
            while current.kind == .newline { try advance() }
            if current.kind == .end {
                if let open = openGroups.last {
                    let group = groups[open]
                    throw source.diagnostic(at: group.keywordSite, "group '\(group.name)' is never closed",
                                            notes: ["close it with '}' on a line of its own"])
                }
                return nil
            }
            guard try parseGroupLine() else { break }
        }
        let (nameToken, nameSymbol, isData) = try parseStatementName()
        let name = symbols.names[nameSymbol]
        guard current.kind == .equals else {
            throw error(at: current, "expected '=' after '\(name)', found \(source.describe(current))",
                        notes: ["every statement assigns a name: '\(name) = …'"])
        }
        try advance()
        let rightToken = current
        let right = try parseRightSide()
        // `current` ends the statement.
        if current.kind == .newline { try advance() }
        return Statement(name: name, nameSite: nameToken.site, rightSide: right, rightSite: rightToken.site, symbol: nameSymbol,
                         isData: isData)
    }

    /// The next statement if it is a `SimpleLine`, read straight from the
    /// bytes; `nil`, with nothing consumed but blank lines, otherwise. Call
    /// `skip(_:)` before using it, or `nextStatement()` to read the line the
    /// general way instead.
    mutating func nextSimpleLine() throws(Diagnostic) -> SimpleLine? {
        while current.kind == .newline { try advance() }
        // `current` is the line's first token and nothing past it is lexed:
        // the lexer is at the token's end, still on its line.
        guard current.kind == .identifier, ahead0 == nil else { return nil }
        return SimpleLine.scan(source.bytes, from: current.start, line: current.line, lineStart: lexer.lineStart, &symbols)
    }

    /// Moves past a simple line to the next line's first token, as
    /// `nextStatement` ends (so a lexical error there is reported at the same point).
    mutating func skip(_ line: SimpleLine) throws(Diagnostic) {
        lexer.skip(to: line.end, newLine: line.endsWithNewline)
        current = try lexer.next()
    }

    /// The name a statement assigns (after `data`, for a leaf that takes no gradient).
    private mutating func parseStatementName() throws(Diagnostic) -> (token: Token, symbol: Int, isData: Bool) {
        guard current.kind == .identifier else {
            var notes: [String] = []
            if current.kind == .number || current.kind == .minus || current.kind == .leftParen {
                notes.append("every statement assigns a name: 'y = …'")
            }
            throw error(at: current, "expected a name at the start of a statement, found \(source.describe(current))", notes: notes)
        }
        var nameToken = current
        var nameSymbol = symbol(of: nameToken)
        try advance()
        // `data t = [0, 1]`: a leaf that takes no gradient. (`data` followed
        // by `=` is an ordinary name: `data = 2` keeps its meaning.)
        let isData = symbols.names[nameSymbol] == "data" && current.kind == .identifier
        if isData {
            nameToken = current
            nameSymbol = symbol(of: nameToken)
            try advance()
        }
        return (nameToken, nameSymbol, isData)
    }

    /// The right side of `=`: a number, a negative number, an array literal or an expression.
    private mutating func parseRightSide() throws(Diagnostic) -> RightSide {
        var isNegativeLiteral = false
        if current.kind == .minus, try peek().kind == .number {
            isNegativeLiteral = try peek(2).endsStatement
        }
        switch current.kind {
        case .newline, .end:
            throw error(at: current, "expected an expression after '='")
        case .number where try peek().endsStatement:
            let right = RightSide.number(current.number)
            try advance()
            return right
        case .minus where isNegativeLiteral:
            try advance()
            let right = RightSide.number(-current.number)
            try advance()
            return right
        case .leftBracket:
            let right = RightSide.array(try parseArray())
            guard current.endsStatement else {
                throw error(at: current, "unexpected \(source.describe(current)) after the array literal",
                            notes: ["an array literal must be the whole right side of an assignment"])
            }
            return right
        default:
            if simpleExpressions, let tree = parseSimpleExpression() { return .expression(tree) }
            return .expression(try parseExpression())
        }
    }

    // MARK: Groups

    /// A group the script opened with `group NAME {`.
    struct GroupDeclaration: Sendable {
        var name: String
        var keywordSite: Site
        var nameSite: Site
        /// The enclosing group (an index into `groups`).
        var parent: Int?
    }

    /// Every group opened so far, in order.
    private(set) var groups: [GroupDeclaration] = []
    /// Each group's index in `groups`, by name (names are used once).
    private var groupIndex: [String: Int] = [:]
    /// The groups open at `current`, outermost first (indices into `groups`).
    private(set) var openGroups: [Int] = []
    /// How deep groups may nest.
    static let maxGroupDepth = 32

    /// Reads a `group NAME {` or `}` line, if `current` starts one.
    /// `group` is a keyword only there: `group = 2` still assigns a name.
    private mutating func parseGroupLine() throws(Diagnostic) -> Bool {
        if current.kind == .rightBrace {
            guard openGroups.popLast() != nil else {
                throw error(at: current, "unexpected '}' without an open group",
                            notes: ["a group starts with 'group NAME {' on a line of its own"])
            }
            try advance()
            try expectEndOfGroupLine(after: "'}'")
            return true
        }
        guard current.kind == .identifier, source.text(of: current) == "group" else { return false }
        let next = try peek()
        guard next.kind == .identifier || next.kind == .leftBrace else { return false }
        let keyword = current
        try advance()
        guard current.kind == .identifier else {
            throw error(at: current, "expected a group name after 'group'", notes: ["write 'group layer1 {'"])
        }
        let nameToken = current
        let name = source.text(of: nameToken)
        try advance()
        guard current.kind == .leftBrace else {
            throw error(at: current, "expected '{' after 'group \(name)', found \(source.describe(current))",
                        notes: ["a group is 'group \(name) {', its statements, then '}' on a line of its own"])
        }
        if let earlier = groupIndex[name].map({ groups[$0] }) {
            throw error(at: nameToken, "group '\(name)' is already defined",
                        notes: ["the first 'group \(name)' is at \(earlier.nameSite.line):\(earlier.nameSite.column)"])
        }
        if openGroups.count >= Self.maxGroupDepth {
            throw error(at: keyword, "groups nest too deeply (more than \(Self.maxGroupDepth) levels)")
        }
        try advance()
        try expectEndOfGroupLine(after: "'{'")
        groupIndex[name] = groups.count
        groups.append(GroupDeclaration(name: name, keywordSite: keyword.site, nameSite: nameToken.site, parent: openGroups.last))
        openGroups.append(groups.count - 1)
        return true
    }

    private mutating func expectEndOfGroupLine(after what: String) throws(Diagnostic) {
        guard current.endsStatement else {
            throw error(at: current, "expected end of line after \(what), found \(source.describe(current))",
                        notes: ["'group NAME {' and '}' each go on a line of their own"])
        }
        if current.kind == .newline { try advance() }
    }

    // MARK: Array literals

    /// `[1, -2, 3]` or `[[1, 2], [3, 4]]`, starting at `[`.
    private mutating func parseArray() throws(Diagnostic) -> Tensor {
        let open = current
        try advance()
        if current.kind == .leftBracket {
            var scalars: [Double] = []
            var rows = 0
            var columns = 0
            var firstRow = current
            while true {
                guard current.kind == .leftBracket else {
                    if current.kind == .number || current.kind == .minus {
                        throw error(at: current, "cannot mix numbers and rows in an array literal",
                                    notes: ["a matrix is written [[1, 2], [3, 4]]"])
                    }
                    throw error(at: current, "expected '[' to start a row, found \(source.describe(current))")
                }
                let rowOpen = current
                try advance()
                let count = try parseNumbers(into: &scalars, open: rowOpen, isRow: true)
                if rows == 0 {
                    columns = count
                    firstRow = rowOpen
                } else if count != columns {
                    throw error(at: rowOpen, "ragged array: row \(rows + 1) has \(count) element\(count == 1 ? "" : "s") but row 1 has \(columns)",
                                notes: ["every row of a matrix needs the same length (row 1 starts at column \(firstRow.column))"])
                }
                rows += 1
                if current.kind == .comma {
                    try advance()
                    continue
                }
                if current.kind == .rightBracket {
                    try advance()
                    break
                }
                throw closingBracketError(open: open)
            }
            return Tensor(shape: [rows, columns], scalars: scalars)
        }
        var scalars: [Double] = []
        let count = try parseNumbers(into: &scalars, open: open, isRow: false)
        return Tensor(shape: [count], scalars: scalars)
    }

    /// Numbers up to and including the closing `]`; returns how many.
    private mutating func parseNumbers(into scalars: inout [Double], open: Token, isRow: Bool) throws(Diagnostic) -> Int {
        if current.kind == .rightBracket {
            throw error(at: open, "empty array literal", notes: ["a tensor needs at least one element"])
        }
        var count = 0
        while true {
            var sign = 1.0
            if current.kind == .minus {
                sign = -1
                try advance()
            }
            switch current.kind {
            case .number:
                scalars.append(sign * current.number)
                count += 1
                try advance()
            case .leftBracket:
                if isRow {
                    throw error(at: current, "array literals have at most two dimensions",
                                notes: ["tensors are scalars, vectors or matrices"])
                }
                throw error(at: current, "cannot mix numbers and rows in an array literal",
                            notes: ["a matrix is written [[1, 2], [3, 4]]"])
            case .identifier:
                throw error(at: current, "array elements must be number literals, found \(source.describe(current))",
                            notes: ["an array literal defines a leaf; combine names in an expression instead"])
            default:
                throw error(at: current, "expected a number, found \(source.describe(current))",
                            notes: current.isBrace ? [braceNote] : [])
            }
            if current.kind == .comma {
                try advance()
                continue
            }
            if current.kind == .rightBracket {
                try advance()
                return count
            }
            throw closingBracketError(open: open)
        }
    }

    private func closingBracketError(open: Token) -> Diagnostic {
        if current.endsStatement {
            return error(at: current, "expected ']' to close the array", notes: ["to match the '[' at \(open.line):\(open.column)"])
        }
        return error(at: current, "expected ',' or ']' in the array, found \(source.describe(current))")
    }

    // MARK: Expressions

    private enum Pending {
        case binary(BinaryOperator, Site)
        case negate(Site)
        case paren(Token)
        case call(name: String, token: Token, arguments: [Argument], keyword: (String, Site)?, operandBase: Int)

        var isMarker: Bool {
            switch self {
            case .paren, .call: return true
            default: return false
            }
        }
    }

    /// The state of one `parseExpression`: the tree so far and the two stacks.
    private struct ExpressionState {
        var tree = ExpressionTree()
        var operands: [Int] = []
        var operators: [Pending] = []
        /// Open parentheses and calls.
        var depth = 0
        /// An operand comes next (else an operator, `)`, `,`, `[` or the end).
        var expectOperand = true
        /// Right after a call's `(` or `,`, where `name=` starts a keyword argument.
        var atArgumentStart = false
        var previous: Token? = nil
    }

    /// An expression up to the end of the line, with operator precedence
    /// `+ -` < `* / @` < unary `-` < `^` (right-associative).
    private mutating func parseExpression() throws(Diagnostic) -> ExpressionTree {
        // Reuse the scratch stacks and the last tree's storage (unique again
        // once the caller has dropped the previous statement).
        var state = ExpressionState()
        swap(&state.tree.nodes, &treeStorage)
        state.tree.nodes.removeAll(keepingCapacity: true)
        swap(&state.operands, &operandStack)
        state.operands.removeAll(keepingCapacity: true)
        swap(&state.operators, &operatorStack)
        state.operators.removeAll(keepingCapacity: true)
        defer {
            swap(&state.operands, &operandStack)
            swap(&state.operators, &operatorStack)
        }
        while true {
            let token = current
            if state.expectOperand {
                guard try parseOperand(token, &state) else { continue }
            } else if let tree = try parseAfterOperand(token, &state) {
                return tree
            }
            state.previous = token
        }
    }

    private func push(_ node: ExpressionNode, _ s: inout ExpressionState) throws(Diagnostic) {
        if s.tree.nodes.count >= maxNodes {
            throw source.diagnostic(at: node.site, "expression is too large (more than \(maxNodes) nodes)")
        }
        s.operands.append(s.tree.append(node))
    }

    /// Applies the operator on top of the stack to its operands.
    private func reduceTop(_ s: inout ExpressionState) throws(Diagnostic) {
        switch s.operators.removeLast() {
        case .binary(let op, let site):
            let rhs = s.operands.removeLast(), lhs = s.operands.removeLast()
            try push(ExpressionNode(kind: .binary(op, lhs, rhs), site: site, start: s.tree.nodes[lhs].start), &s)
        case .negate(let site):
            let x = s.operands.removeLast()
            try push(ExpressionNode(kind: .negate(x), site: site, start: site), &s)
        case .paren, .call:
            preconditionFailure("markers are not reduced here")
        }
    }

    /// Reduces operators down to (not including) the innermost `(` or call.
    private func reduceToMarker(_ s: inout ExpressionState) throws(Diagnostic) {
        while let top = s.operators.last, !top.isMarker { try reduceTop(&s) }
    }

    /// Where an operand is expected: a number, a name, a call, `-` or `(`.
    /// False when the token only changed the pending call (a keyword `name=`).
    private mutating func parseOperand(_ token: Token, _ s: inout ExpressionState) throws(Diagnostic) -> Bool {
        let argumentStart = s.atArgumentStart
        s.atArgumentStart = false
        switch token.kind {
        case .number:
            try push(ExpressionNode(kind: .number(token.number), site: token.site, start: token.site), &s)
            try advance()
            s.expectOperand = false
        case .identifier:
            return try parseNameOrCall(token, argumentStart: argumentStart, &s)
        case .minus:
            s.operators.append(.negate(token.site))
            try advance()
        case .leftParen:
            s.depth += 1
            if s.depth > maxNestingDepth { throw tooDeep(token) }
            s.operators.append(.paren(token))
            try advance()
        case .leftBracket:
            throw error(at: token, "array literals are only allowed as the whole right side of an assignment",
                        notes: ["assign the array to a name on its own line, then use the name"])
        default:
            throw expectedExpression(token, after: s.previous)
        }
        return true
    }

    /// A name: a keyword argument's `axis=`, a call's `f(`, or a variable.
    private mutating func parseNameOrCall(_ token: Token, argumentStart: Bool, _ s: inout ExpressionState) throws(Diagnostic) -> Bool {
        let nameSymbol = symbol(of: token)
        let name = symbols.names[nameSymbol]
        let next = try peek()
        if argumentStart, next.kind == .equals, case .call(let f, let t, let a, nil, let base) = s.operators.last {
            // A keyword argument: `axis=0`.
            s.operators[s.operators.count - 1] = .call(name: f, token: t, arguments: a, keyword: (name, token.site), operandBase: base)
            try advance()
            try advance()
            return false
        }
        guard next.kind == .leftParen else {
            try push(ExpressionNode(kind: .name(name), site: token.site, start: token.site, symbol: nameSymbol), &s)
            try advance()
            s.expectOperand = false
            return true
        }
        s.depth += 1
        if s.depth > maxNestingDepth { throw tooDeep(token) }
        try advance()
        try advance()
        s.operators.append(.call(name: name, token: token, arguments: [], keyword: nil, operandBase: s.operands.count))
        if current.kind == .rightParen {
            // A call without arguments.
            s.operators.removeLast()
            s.depth -= 1
            try push(ExpressionNode(kind: .call(name, []), site: token.site, start: token.site, symbol: nameSymbol), &s)
            try advance()
            s.expectOperand = false
        } else {
            s.atArgumentStart = true
        }
        return true
    }

    /// The error for a token where an operand was expected, with hints.
    private func expectedExpression(_ token: Token, after previous: Token?) -> Diagnostic {
        var notes: [String] = []
        if token.kind == .star, previous?.kind == .star { notes.append("use '^' for powers: x ^ 2") }
        if token.kind == .plus { notes.append("there is no unary '+'") }
        if token.kind == .equals { notes.append("write one assignment per line") }
        if token.isBrace { notes.append(braceNote) }
        if token.endsStatement {
            return error(at: token, "expected an expression, found end of line", notes: notes)
        }
        return error(at: token, "expected an expression, found \(source.describe(token))", notes: notes)
    }

    /// After an operand: an operator, `)`, `,`, `[`, or the end of the line
    /// (which returns the finished tree).
    private mutating func parseAfterOperand(_ token: Token, _ s: inout ExpressionState) throws(Diagnostic) -> ExpressionTree? {
        if let op = token.binaryOperator {
            try parseBinaryOperator(op, token, &s)
            return nil
        }
        switch token.kind {
        case .rightParen, .comma:
            try closeGroupOrArgument(token, &s)
        case .newline, .end:
            return try finishExpression(token, &s)
        case .equals:
            throw error(at: token, "unexpected '='", notes: ["write one assignment per line"])
        case .leftBracket:
            // Indexing binds tighter than any operator: it applies to the operand just read.
            let (indices, sites) = try parseIndices()
            let x = s.operands.removeLast()
            try push(ExpressionNode(kind: .index(x, indices, sites), site: token.site, start: s.tree.nodes[x].start), &s)
        default:
            var notes: [String] = []
            if token.kind == .identifier || token.kind == .number || token.kind == .leftParen {
                notes.append("operators are + - * / @ ^; did you forget one?")
            }
            if token.isBrace { notes.append(braceNote) }
            throw error(at: token, "expected an operator or end of line, found \(source.describe(token))", notes: notes)
        }
        return nil
    }

    /// A binary operator: first reduces the pending operators that bind at least as tightly.
    private mutating func parseBinaryOperator(_ op: BinaryOperator, _ token: Token, _ s: inout ExpressionState) throws(Diagnostic) {
        while let top = s.operators.last {
            let topPrecedence: Int
            switch top {
            case .binary(let o, _): topPrecedence = o.precedence
            case .negate: topPrecedence = unaryMinusPrecedence
            case .paren, .call: topPrecedence = -1
            }
            guard topPrecedence > op.precedence || (topPrecedence == op.precedence && !op.isRightAssociative) else { break }
            try reduceTop(&s)
        }
        s.operators.append(.binary(op, token.site))
        try advance()
        s.expectOperand = true
    }

    /// `)` or `,`: closes a parenthesis, or ends a call's argument (and, with `)`, the call).
    private mutating func closeGroupOrArgument(_ token: Token, _ s: inout ExpressionState) throws(Diagnostic) {
        try reduceToMarker(&s)
        guard let marker = s.operators.last else {
            if token.kind == .comma {
                throw error(at: token, "unexpected ','", notes: ["commas separate the arguments of a function call"])
            }
            throw error(at: token, "unexpected ')' without a matching '('")
        }
        switch marker {
        case .paren(let open):
            if token.kind == .comma {
                throw error(at: token, "unexpected ',' inside parentheses",
                            notes: ["commas separate the arguments of a function call (the '(' at \(open.line):\(open.column) is not a call)"])
            }
            s.operators.removeLast()
            s.depth -= 1
            // The parenthesised value stays on the operand stack; the
            // node's start moves back to the '(' for messages.
            s.tree.nodes[s.operands[s.operands.count - 1]].start = open.site
            try advance()
            s.expectOperand = false
        case .call(let name, let callToken, var arguments, let keyword, let base):
            let value = s.operands.removeLast()
            precondition(s.operands.count == base, "one operand per argument")
            arguments.append(Argument(keyword: keyword?.0, keywordSite: keyword?.1, value: value))
            s.operators.removeLast()
            if token.kind == .comma {
                s.operators.append(.call(name: name, token: callToken, arguments: arguments, keyword: nil, operandBase: base))
                try advance()
                s.expectOperand = true
                s.atArgumentStart = true
            } else {
                s.depth -= 1
                try push(ExpressionNode(kind: .call(name, arguments), site: callToken.site, start: callToken.site,
                                        symbol: symbol(of: callToken)), &s)
                try advance()
                s.expectOperand = false
            }
        default:
            preconditionFailure("not a marker")
        }
    }

    /// The end of the line: every `(` and call must be closed; the tree is done.
    private mutating func finishExpression(_ token: Token, _ s: inout ExpressionState) throws(Diagnostic) -> ExpressionTree {
        try reduceToMarker(&s)
        if let marker = s.operators.last {
            let open: Token
            switch marker {
            case .paren(let t): open = t
            case .call(_, let t, _, _, _): open = t
            default: preconditionFailure("not a marker")
            }
            let what = { if case .call = marker { return "call to '\(source.text(of: open))'" } else { return "'('" } }()
            throw error(at: token, "expected ')' to close the \(what)",
                        notes: ["to match the \(what) at \(open.line):\(open.column)"])
        }
        precondition(s.operands.count == 1, "one value per expression")
        s.tree.root = s.operands[0]
        treeStorage = s.tree.nodes
        return s.tree
    }

    // MARK: Simple expressions

    /// The commonest right sides — `a op b` (names or numbers), `f(a)`, a
    /// lone name `a` — read straight into the tree `parseExpression` builds
    /// for the same tokens, without its operator stacks. `nil`, with nothing
    /// consumed, for anything else (or any error, even from the lexer): the
    /// general parser then reads the line and reports what it finds.
    /// `SimpleExpressionTests` compares both parsers' graphs.
    private mutating func parseSimpleExpression() -> ExpressionTree? {
        let saved = (lexer, current, ahead0, ahead1)
        do {
            if let tree = try simpleExpression() { return tree }
        } catch {}
        (lexer, current, ahead0, ahead1) = saved
        return nil
    }

    private mutating func simpleExpression() throws(Diagnostic) -> ExpressionTree? {
        let first = current
        guard first.kind == .identifier || first.kind == .number else { return nil }
        try advance()
        let second = current
        if second.endsStatement {
            // `y = x` (a lone number is a leaf: `parseRightSide` took it).
            guard first.kind == .identifier else { return nil }
            return simpleTree(operand(first))
        }
        if second.kind == .leftParen {
            // `f(a)`: one name, no keyword.
            guard first.kind == .identifier else { return nil }
            try advance()
            let argument = current
            guard argument.kind == .identifier else { return nil }
            try advance()
            guard current.kind == .rightParen else { return nil }
            try advance()
            guard current.endsStatement else { return nil }
            let f = symbol(of: first)
            let x = operand(argument)
            let call = ExpressionNode(kind: .call(symbols.names[f], [Argument(keyword: nil, keywordSite: nil, value: 0)]),
                                      site: first.site, start: first.site, symbol: f)
            return simpleTree(x, call)
        }
        // `a op b`.
        guard let op = second.binaryOperator else { return nil }
        try advance()
        let third = current
        guard third.kind == .identifier || third.kind == .number else { return nil }
        try advance()
        guard current.endsStatement else { return nil }
        let a = operand(first), b = operand(third)
        return simpleTree(a, b, ExpressionNode(kind: .binary(op, 0, 1), site: second.site, start: a.start))
    }

    /// A name or number token as a tree node (names interned, left to right as `parseExpression` does).
    private mutating func operand(_ token: Token) -> ExpressionNode {
        if token.kind == .number {
            return ExpressionNode(kind: .number(token.number), site: token.site, start: token.site)
        }
        let s = symbol(of: token)
        return ExpressionNode(kind: .name(symbols.names[s]), site: token.site, start: token.site, symbol: s)
    }

    /// The tree of up to three nodes (in post-order, root last), in the reused node storage.
    private mutating func simpleTree(_ a: ExpressionNode, _ b: ExpressionNode? = nil, _ c: ExpressionNode? = nil) -> ExpressionTree {
        var tree = ExpressionTree()
        swap(&tree.nodes, &treeStorage)
        tree.nodes.removeAll(keepingCapacity: true)
        tree.nodes.append(a)
        if let b { tree.nodes.append(b) }
        if let c { tree.nodes.append(c) }
        tree.root = tree.nodes.count - 1
        treeStorage = tree.nodes
        return tree
    }

    /// The literal indices of `x[i]` or `x[i, j]`, starting at `[`, and where each is.
    private mutating func parseIndices() throws(Diagnostic) -> ([Int], [Site]) {
        try advance()
        var indices: [Int] = [], sites: [Site] = []
        while true {
            let v = current.kind == .number ? current.number : -1
            guard v == v.rounded(), v >= 0, v < 0x1p31 else {
                throw error(at: current, "an index must be a whole number literal of at least 0, found \(source.describe(current))",
                            notes: ["write x[i] for a vector's element or a matrix's row, x[i, j] for a matrix's element"])
            }
            guard indices.count < 2 else {
                throw error(at: current, "too many indices: tensors have at most two axes", notes: ["write x[i] or x[i, j]"])
            }
            indices.append(Int(v))
            sites.append(current.site)
            try advance()
            if current.kind == .comma {
                try advance()
            } else if current.kind == .rightBracket {
                try advance()
                return (indices, sites)
            } else {
                throw error(at: current, "expected ',' or ']' after the index, found \(source.describe(current))")
            }
        }
    }

    private func tooDeep(_ token: Token) -> Diagnostic {
        error(at: token, "expression is nested too deeply (more than \(maxNestingDepth) levels)")
    }
}

/// The note for a stray `{` or `}`.
let braceNote = "use '(' and ')' to group, '[' and ']' for arrays; braces only open and close a 'group NAME {'"

extension Token {
    var isBrace: Bool { kind == .leftBrace || kind == .rightBrace }
}
