import ChainRule

/// Turns statements into graph nodes, checking names, shapes and literals.
///
/// Each statement's expression tree is in post-order, so it is built by one
/// pass backwards (which nodes become graph nodes: exponents and `axis=`
/// values do not) and one pass forwards (create them) — no recursion.
struct GraphBuilder: Sendable {
    let source: SourceText
    let maxNodes: Int
    let maxElements: Int
    /// Whether the commonest trees take `buildSimple` (off only in tests
    /// that compare it with the general `build`).
    let simpleTrees: Bool
    private(set) var graph = Graph()
    /// Where each graph node is in the source.
    private(set) var sites: [Site] = []
    private(set) var names: [(name: String, node: NodeID)] = []
    /// The line of each assignment in `names`.
    private var nameLines: [Int] = []
    /// Per interned symbol (see `SymbolTable`): the node assigned to it
    /// (-1 if none yet) and the line of that assignment.
    private var assignedNode: [Int] = []
    private var assignedLine: [Int] = []
    /// Per symbol, for the symbols looked up as functions (the tables below
    /// grow only as far as the highest such symbol): whether `functions`
    /// holds its lookup yet, and the function of that name, if any (so the
    /// function tables are hashed once per name).
    private var functionKnown: [Bool] = []
    private var functions: [ScriptFunction?] = []
    /// Per symbol: the operation `f(x)` makes when `f` is a one-operand
    /// function without literals or keywords (`relu`, `exp`), once known.
    private var simpleCallKnown: [Bool] = []
    private var simpleCalls: [Operation?] = []
    /// Scratch arrays of `build`, kept between statements.
    private var neededScratch: [Bool] = []
    private var valueScratch: [NodeID?] = []

    init(source: SourceText, maxNodes: Int, maxElements: Int, simpleTrees: Bool = true) {
        self.source = source
        self.maxNodes = maxNodes
        self.maxElements = maxElements
        self.simpleTrees = simpleTrees
    }

    /// Makes room for about `statements` statements (and as many names and
    /// graph nodes), so the tables are not copied as they grow.
    mutating func reserveCapacity(statements: Int) {
        graph.reserveCapacity(statements)
        sites.reserveCapacity(statements)
        names.reserveCapacity(statements)
        nameLines.reserveCapacity(statements)
        assignedNode.reserveCapacity(statements)
        assignedLine.reserveCapacity(statements)
    }

    private func error(_ site: Site, _ message: String, notes: [String] = []) -> Diagnostic {
        source.diagnostic(at: site, message, notes: notes)
    }

    // MARK: Symbols

    /// Makes the assignment tables long enough for `symbol`.
    @inline(__always)
    private mutating func reserveSymbol(_ symbol: Int) {
        if assignedNode.count <= symbol { growSymbols(to: symbol) }
    }

    /// Grows them 64 symbols at a time (almost every line interns a new name).
    private mutating func growSymbols(to symbol: Int) {
        let more = symbol + 64 - assignedNode.count
        assignedNode.append(contentsOf: repeatElement(-1, count: more))
        assignedLine.append(contentsOf: repeatElement(0, count: more))
    }

    /// Makes the function tables long enough for `symbol`.
    private mutating func reserveFunctionSymbol(_ symbol: Int) {
        if functionKnown.count <= symbol {
            let more = symbol + 1 - functionKnown.count
            functionKnown.append(contentsOf: repeatElement(false, count: more))
            functions.append(contentsOf: repeatElement(nil, count: more))
            simpleCallKnown.append(contentsOf: repeatElement(false, count: more))
            simpleCalls.append(contentsOf: repeatElement(nil, count: more))
        }
    }

    /// The node assigned to `name` (interned as `symbol`, or -1 if not interned) and its line.
    private func assignment(_ name: String, _ symbol: Int) -> (node: NodeID, line: Int)? {
        if symbol >= 0 {
            guard symbol < assignedNode.count, assignedNode[symbol] >= 0 else { return nil }
            return (NodeID(assignedNode[symbol]), assignedLine[symbol])
        }
        guard let k = names.firstIndex(where: { $0.name == name }) else { return nil }
        return (names[k].node, nameLines[k])
    }

    /// `ScriptFunction.named(name)`, remembered per symbol.
    private mutating func function(named name: String, _ symbol: Int) -> ScriptFunction? {
        guard symbol >= 0 else { return ScriptFunction.named(name) }
        reserveFunctionSymbol(symbol)
        if !functionKnown[symbol] {
            functions[symbol] = ScriptFunction.named(name)
            functionKnown[symbol] = true
        }
        return functions[symbol]
    }

    // MARK: Statements

    mutating func add(_ statement: Statement) throws(Diagnostic) {
        let name = statement.name
        let symbol = statement.symbol
        if ScriptFunction.isReserved(name) {
            throw error(statement.nameSite, "cannot assign to '\(name)': it is a function",
                        notes: ["names may begin with a function's name, e.g. '\(name)_1'"])
        }
        if let previous = assignment(name, symbol) {
            throw error(statement.nameSite, "cannot reassign '\(name)'",
                        notes: ["'\(name)' was assigned on line \(previous.line); every name is assigned once"])
        }
        let node: NodeID
        let isData = statement.isData
        switch statement.rightSide {
        case .number(let value):
            node = try leaf(name, Tensor(value), isData: isData, at: statement.rightSite)
        case .array(let tensor):
            node = try leaf(name, tensor, isData: isData, at: statement.rightSite)
        case .expression(let tree):
            if case .call(let f, let arguments) = tree.nodes[tree.root].kind,
               case .initializer(let kind)? = function(named: f, tree.nodes[tree.root].symbol) {
                let value = try initialValue(kind, arguments, tree, at: tree.nodes[tree.root].site)
                node = try leaf(name, value, isData: isData, at: tree.nodes[tree.root].site)
            } else if isData {
                throw error(statement.rightSite, "a data leaf needs a number, an array literal or an initialiser",
                            notes: ["write 'data \(name) = [0, 1]'; 'data' marks a leaf that takes no gradient"])
            } else {
                node = try build(tree, name: name)
            }
        }
        if symbol >= 0 {
            reserveSymbol(symbol)
            assignedNode[symbol] = node.index
            assignedLine[symbol] = statement.nameSite.line
        }
        names.append((name, node))
        nameLines.append(statement.nameSite.line)
    }

    // MARK: Simple lines

    /// Whether `line` can be added by `add(_:name:)` exactly as the general
    /// path would add its statement, with no error: its name is free and
    /// not a function, its operands are assigned, its call is a one-operand
    /// function (`simpleCall`), and there is room for its nodes. (A line
    /// with a shape error passes: `add(_:name:)` reports it as `buildSimple` does.)
    mutating func accepts(_ line: SimpleLine, names symbolNames: [String]) -> Bool {
        guard graph.nodes.count + 3 < maxNodes, line.symbol >= 0, !isAssigned(line.symbol),
              !line.nameMayBeFunction || !isReservedName(line.symbol, symbolNames) else { return false }
        switch line.right {
        case .number:
            return true
        case .name(let x):
            return isAssigned(x.symbol)
        case .call(let f, _, let x):
            return isAssigned(x.symbol) && simpleCall(symbolNames[f], f) != nil
        case .binary(let op, let a, let b, _):
            return op.operation != nil && (a.symbol < 0 || isAssigned(a.symbol)) && (b.symbol < 0 || isAssigned(b.symbol))
        }
    }

    /// Adds a line `accepts` took: the nodes, sites, names and errors
    /// `add(_ statement:)` makes for the same statement.
    mutating func add(_ line: SimpleLine, names symbolNames: [String]) throws(Diagnostic) {
        let name = symbolNames[line.symbol]
        let node: NodeID
        switch line.right {
        case .number(let value):
            node = try leaf(name, Tensor(value), isData: false, at: line.rightSite)
        case .name(let x):
            let result = try apply(.identity, [NodeID(assignedNode[x.symbol])], at: x.site, name: name)
            node = try unwrap(result) { self.error(x.site, $0.message) }
        case .call(let f, let site, let x):
            let start = x.site  // `f(x)`'s operand starts the call's first argument
            let result = try apply(simpleCalls[f]!, [NodeID(assignedNode[x.symbol])], at: site, name: name)
            node = try unwrap(result) { e in
                if let k = e.operand, k < 1 { return self.error(start, e.message) }
                return self.error(site, e.message)
            }
        case .binary(let op, let a, let b, let site):
            let na = try simpleOperand(a), nb = try simpleOperand(b)
            node = try binary(op.operation!, na, nb, at: site, name: name)
        }
        reserveSymbol(line.symbol)
        assignedNode[line.symbol] = node.index
        assignedLine[line.symbol] = line.nameSite.line
        names.append((name, node))
        nameLines.append(line.nameSite.line)
    }

    /// A simple line's operand: an assigned name's node, or a new constant.
    private mutating func simpleOperand(_ x: SimpleLine.Operand) throws(Diagnostic) -> NodeID {
        guard x.symbol < 0 else { return NodeID(assignedNode[x.symbol]) }
        try checkCapacity(x.site)
        sites.append(x.site)
        return graph.constant(Tensor(x.number))
    }

    private func isAssigned(_ symbol: Int) -> Bool { symbol < assignedNode.count && assignedNode[symbol] >= 0 }

    /// `ScriptFunction.isReserved`, remembered per symbol (through `function(named:)`).
    private mutating func isReservedName(_ symbol: Int, _ symbolNames: [String]) -> Bool {
        if case .operation(let call)? = function(named: symbolNames[symbol], symbol) { return call.reserved }
        return false
    }

    private mutating func leaf(_ name: String, _ value: Tensor, isData: Bool, at site: Site) throws(Diagnostic) -> NodeID {
        try checkCapacity(site)
        sites.append(site)
        return graph.leaf(name, value, isData: isData)
    }

    private func checkCapacity(_ site: Site) throws(Diagnostic) {
        if graph.nodes.count >= maxNodes {
            throw error(site, "script is too large (more than \(maxNodes) graph nodes)")
        }
    }

    /// Adds an operation node; a shape error is handed back for the caller to place.
    private mutating func apply(_ operation: Operation, _ inputs: [NodeID], at site: Site,
                                name: String? = nil) throws(Diagnostic) -> Result<NodeID, ShapeError> {
        try checkCapacity(site)
        do {
            let id = try graph.apply(operation, inputs, name: name)
            sites.append(site)
            return .success(id)
        } catch {
            return .failure(error)
        }
    }

    /// (Call it on a separate line from `apply`: `unwrap(try apply(…))` would
    /// copy `self` before `apply` mutates it, making every node O(n).)
    private func unwrap(_ result: Result<NodeID, ShapeError>, _ diagnose: (ShapeError) -> Diagnostic) throws(Diagnostic) -> NodeID {
        switch result {
        case .success(let id): return id
        case .failure(let e): throw diagnose(e)
        }
    }

    // MARK: Expressions

    /// A literal number, possibly negated (`2`, `-1`, `(2)`), or `nil`.
    private func literal(_ index: Int, in tree: ExpressionTree) -> Double? {
        switch tree.nodes[index].kind {
        case .number(let v): return v
        case .negate(let x): if case .number(let v) = tree.nodes[x].kind { return -v }
        default: break
        }
        return nil
    }

    private mutating func build(_ tree: ExpressionTree, name: String) throws(Diagnostic) -> NodeID {
        if simpleTrees, let root = try buildSimple(tree) {
            graph.setName(name, of: root)
            return root
        }
        let nodes = tree.nodes
        let firstNew = graph.nodes.count
        // Scratch arrays from the last statement (swapped back at the end).
        var needed: [Bool] = []
        var value: [NodeID?] = []
        swap(&needed, &neededScratch)
        swap(&value, &valueScratch)
        needed.removeAll(keepingCapacity: true)
        value.removeAll(keepingCapacity: true)
        needed.append(contentsOf: repeatElement(false, count: nodes.count))
        value.append(contentsOf: repeatElement(nil, count: nodes.count))
        defer {
            swap(&needed, &neededScratch)
            swap(&value, &valueScratch)
        }
        markNeeded(tree, &needed)
        // Pass 2, operands first: create the graph nodes.
        for i in 0..<nodes.count where needed[i] {
            value[i] = try buildNode(i, tree, value)
        }
        var root = value[tree.root]!
        if root.index < firstNew || graph[root].kind == .constant {
            // `y = x` or `y = (2)`: a node of its own, so `y` has its own value and gradient.
            let operand = root
            let site = nodes[tree.root].site
            let result = try apply(.identity, [operand], at: site)
            root = try unwrap(result) { self.error(site, $0.message) }
        }
        graph.setName(name, of: root)
        return root
    }

    /// The commonest trees — `a op b` (names or numbers, any operator but
    /// `^`), `f(a)` for a one-operand function without literals or keywords,
    /// a lone name — built without `build`'s two passes and scratch arrays:
    /// the same graph nodes, sites and errors, in the same order (each node
    /// through the same `lookup`, constant and `apply` steps). `nil`, before
    /// any node is added, for any other tree.
    private mutating func buildSimple(_ tree: ExpressionTree) throws(Diagnostic) -> NodeID? {
        // The nodes' fields are read in place: copying a whole `ExpressionNode`
        // costs more than the rest of a statement.
        let nodes = tree.nodes
        switch nodes.count {
        case 1:
            // `y = x`: a node of its own, so `y` has its own value and gradient.
            guard case .name(let n) = nodes[0].kind else { return nil }
            let site = nodes[0].site
            let operand = try lookup(n, nodes[0].symbol, at: site)
            let result = try apply(.identity, [operand], at: site)
            return try unwrap(result) { self.error(site, $0.message) }
        case 2:
            guard case .name(let n) = nodes[0].kind, case .call(let name, let arguments) = nodes[1].kind, arguments.count == 1,
                  arguments[0].keyword == nil, arguments[0].value == 0, let operation = simpleCall(name, nodes[1].symbol) else { return nil }
            let operand = try lookup(n, nodes[0].symbol, at: nodes[0].site)
            let site = nodes[1].site, start = nodes[0].start
            let result = try apply(operation, [operand], at: site)
            // `call`'s placing of a shape error, for a call without literals or keywords.
            return try unwrap(result) { e in
                if let k = e.operand, k < 1 { return self.error(start, e.message) }
                return self.error(site, e.message)
            }
        case 3:
            guard case .binary(let op, 0, 1) = nodes[2].kind, let operation = op.operation,
                  Self.isNameOrNumber(nodes[0].kind), Self.isNameOrNumber(nodes[1].kind) else { return nil }
            let a = try simpleOperand(nodes[0].kind, nodes[0].symbol, at: nodes[0].site)
            let b = try simpleOperand(nodes[1].kind, nodes[1].symbol, at: nodes[1].site)
            return try binary(operation, a, b, at: nodes[2].site)
        default:
            return nil
        }
    }

    private static func isNameOrNumber(_ kind: ExpressionNode.Kind) -> Bool {
        switch kind {
        case .number, .name: return true
        default: return false
        }
    }

    /// A name's node, or a new constant for a number, as `buildNode` makes them.
    private mutating func simpleOperand(_ kind: ExpressionNode.Kind, _ symbol: Int, at site: Site) throws(Diagnostic) -> NodeID {
        switch kind {
        case .number(let v):
            try checkCapacity(site)
            sites.append(site)
            return graph.constant(Tensor(v))
        case .name(let n):
            return try lookup(n, symbol, at: site)
        default:
            preconditionFailure("checked by isNameOrNumber")
        }
    }

    /// The operation of `f(x)`, remembered per symbol, when `f` takes one
    /// operand and no literals or keywords; `nil` otherwise.
    private mutating func simpleCall(_ name: String, _ symbol: Int) -> Operation? {
        guard symbol >= 0 else { return nil }
        reserveFunctionSymbol(symbol)
        if !simpleCallKnown[symbol] {
            simpleCallKnown[symbol] = true
            if case .operation(let call)? = function(named: name, symbol), call.operands == 1, call.literals.isEmpty,
               call.optionalLiterals == 0, call.keywords.isEmpty {
                simpleCalls[symbol] = try? call.make(ScriptArguments(literals: [], keywords: [:]))
            }
        }
        return simpleCalls[symbol]
    }

    /// Pass 1 of `build`, root first: which tree nodes become graph nodes.
    /// (A literal folded into a constant or an exponent does not.)
    private mutating func markNeeded(_ tree: ExpressionTree, _ needed: inout [Bool]) {
        let nodes = tree.nodes
        needed[tree.root] = true
        for i in stride(from: tree.root, through: 0, by: -1) where needed[i] {
            switch nodes[i].kind {
            case .number, .name:
                break
            case .negate(let x):
                if case .number = nodes[x].kind { break }  // folded into a constant
                needed[x] = true
            case .binary(.power, let base, _):
                needed[base] = true  // the exponent is a literal, checked below
            case .index(let x, _, _):
                needed[x] = true
            case .binary(_, let lhs, let rhs):
                needed[lhs] = true
                needed[rhs] = true
            case .call(let f, let arguments):
                // The operands become nodes; literal parameters (`slope`, sizes) do not.
                var operands = Int.max
                if case .operation(let call)? = function(named: f, nodes[i].symbol) { operands = call.operands }
                for argument in arguments.lazy.filter({ $0.keyword == nil }).prefix(operands) { needed[argument.value] = true }
            }
        }
    }

    /// Pass 2 of `build` for tree node `i`, whose operands are built: its graph node.
    private mutating func buildNode(_ i: Int, _ tree: ExpressionTree, _ value: [NodeID?]) throws(Diagnostic) -> NodeID {
        let node = tree.nodes[i]
        let nodes = tree.nodes
        switch node.kind {
        case .number(let v):
            try checkCapacity(node.site)
            sites.append(node.site)
            return graph.constant(Tensor(v))
        case .name(let n):
            return try lookup(n, node.symbol, at: node.site)
        case .negate(let x):
            if case .number(let v) = nodes[x].kind {
                try checkCapacity(node.site)
                sites.append(node.site)
                return graph.constant(Tensor(-v))
            } else {
                let operand = value[x]!
                let result = try apply(.neg, [operand], at: node.site)
                return try unwrap(result) { self.error(node.site, $0.message) }
            }
        case .binary(let op, let lhs, let rhs):
            return try binary(op, value[lhs]!, rhs, tree, value, at: node.site)
        case .index(let x, let indices, let indexSites):
            let result = try apply(.index(indices), [value[x]!], at: node.site)
            return try unwrap(result) { e in
                if let k = e.parameter, k < indexSites.count { return self.error(indexSites[k], e.message) }
                return self.error(node.site, e.message)
            }
        case .call(let f, let arguments):
            return try call(f, node.symbol, arguments, at: node.site, tree: tree, values: value)
        }
    }

    /// `a op rhs`; for `^` the right side must be a literal exponent.
    private mutating func binary(_ op: BinaryOperator, _ a: NodeID, _ rhs: Int, _ tree: ExpressionTree, _ value: [NodeID?],
                                 at site: Site) throws(Diagnostic) -> NodeID {
        if let operation = op.operation { return try binary(operation, a, value[rhs]!, at: site) }
        guard let p = literal(rhs, in: tree) else {
            throw error(tree.nodes[rhs].start, "exponent must be a numeric literal",
                        notes: ["write 'x ^ 2' or 'x ^ -1'; for a tensor exponent use pow(x, y)"])
        }
        let operation = Operation.pow(p)
        let result = try apply(operation, [a], at: site)
        return try unwrap(result) { self.error(site, $0.message, notes: self.shapeNotes(operation, [a])) }
    }

    /// `a op b` for an operator other than `^`.
    private mutating func binary(_ operation: Operation, _ a: NodeID, _ b: NodeID, at site: Site,
                                 name: String? = nil) throws(Diagnostic) -> NodeID {
        let inputs = [a, b]
        let result = try apply(operation, inputs, at: site, name: name)
        return try unwrap(result) { self.error(site, $0.message, notes: self.shapeNotes(operation, inputs)) }
    }

    private func shapeNotes(_ operation: Operation, _ inputs: [NodeID]) -> [String] {
        var notes: [String] = []
        let described = inputs.map { id -> String in
            let shape = describeShape(graph[id].shape)
            if let n = graph[id].name { return "'\(n)' has shape \(shape)" }
            return "an operand has shape \(shape)"
        }
        if inputs.count == 2, graph[inputs[0]].name != nil || graph[inputs[1]].name != nil {
            notes.append(described.joined(separator: ", "))
        }
        if operation == .mul, inputs.count == 2, graph[inputs[0]].shape.count == 2, graph[inputs[1]].shape.count >= 1 {
            notes.append("'*' multiplies elementwise; use '@' for a matrix product")
        }
        if operation == .matmul, inputs.count == 2, graph[inputs[0]].shape.isEmpty || graph[inputs[1]].shape.isEmpty {
            notes.removeAll()
        }
        return notes
    }

    private func lookup(_ name: String, _ symbol: Int, at site: Site) throws(Diagnostic) -> NodeID {
        if let found = assignment(name, symbol) { return found.node }
        if ScriptFunction.named(name) != nil {
            throw error(site, "'\(name)' is a function; call it as \(ScriptFunction.signature(of: name))")
        }
        var notes: [String] = []
        if let later = lineAssigning(name, after: site.offset) {
            notes.append("'\(name)' is assigned later, on line \(later); assign a name before using it")
        } else if let near = nearestName(to: name, in: names.lazy.map { $0.name }) {
            notes.append("did you mean '\(near)'?")
        }
        throw error(site, "cannot find '\(name)' in scope", notes: notes)
    }

    /// The line of a later statement `name = …`, found by scanning the
    /// remaining source (only when reporting an unknown name).
    private func lineAssigning(_ name: String, after offset: Int) -> Int? {
        let bytes = source.bytes, target = Array(name.utf8)
        var line = source.site(at: offset).line
        var i = offset
        while i < bytes.count {
            // Move to the start of the next line.
            while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            guard i < bytes.count else { return nil }
            i += 1
            line += 1
            var j = i
            while j < bytes.count && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
            guard j + target.count <= bytes.count, bytes[j..<j + target.count].elementsEqual(target) else { continue }
            j += target.count
            if j < bytes.count && Lexer.isIdentifierContinue(bytes[j]) { continue }
            while j < bytes.count && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
            if j < bytes.count && bytes[j] == UInt8(ascii: "=") { return line }
        }
        return nil
    }

    // MARK: Calls

    private mutating func call(_ f: String, _ symbol: Int, _ arguments: [Argument], at site: Site, tree: ExpressionTree,
                               values: [NodeID?]) throws(Diagnostic) -> NodeID {
        guard let function = function(named: f, symbol) else {
            if names.contains(where: { $0.name == f }) {
                throw error(site, "'\(f)' is not a function", notes: ["functions: " + ScriptFunction.builtinNames.joined(separator: ", ")])
            }
            var notes: [String] = []
            if let near = nearestName(to: f, in: ScriptFunction.allNames) {
                notes.append("did you mean '\(near)'?")
            } else {
                notes.append("functions: " + ScriptFunction.builtinNames.joined(separator: ", "))
            }
            throw error(site, "unknown function '\(f)'", notes: notes)
        }
        // Most calls have no keywords: then every argument is positional and
        // there is nothing to check.
        let hasKeyword = arguments.contains { $0.keyword != nil }
        let positional = hasKeyword ? arguments.filter { $0.keyword == nil } : arguments
        let keywords = hasKeyword ? arguments.filter { $0.keyword != nil } : []
        if hasKeyword { try checkKeywordOrder(arguments, tree) }
        guard case .operation(let call) = function else {
            throw error(site, "\(f)(…) creates a leaf, so it must be the whole right side of an assignment",
                        notes: ["write 'W = \(f)(2, 3)' on a line of its own and use 'W'"])
        }
        let (operation, parameterSites) = try operation(call, positional, keywords, at: site, tree: tree)
        let operands = positional.prefix(call.operands).map { values[$0.value]! }
        let result = try apply(operation, operands, at: site)
        return try unwrap(result) { e in
            if let p = e.parameter, p < parameterSites.count { return self.error(parameterSites[p], e.message) }
            if let k = e.operand, k < call.operands { return self.error(tree.nodes[positional[k].value].start, e.message) }
            return self.error(site, e.message)
        }
    }

    /// Keywords come after positional arguments, once each.
    private func checkKeywordOrder(_ arguments: [Argument], _ tree: ExpressionTree) throws(Diagnostic) {
        var seen: Set<String> = []
        var sawKeyword = false
        for argument in arguments {
            if let k = argument.keyword {
                sawKeyword = true
                if !seen.insert(k).inserted { throw error(argument.keywordSite!, "argument '\(k)' is given twice") }
            } else if sawKeyword {
                throw error(tree.nodes[argument.value].start, "positional argument after a keyword argument")
            }
        }
    }

    /// The operation a call makes from its literal arguments (`ScriptCall.make`),
    /// and where each parameter is: the literals, then the keywords in the call's order.
    private func operation(_ call: ScriptCall, _ positional: [Argument], _ keywords: [Argument], at site: Site,
                           tree: ExpressionTree) throws(Diagnostic) -> (Operation, [Site]) {
        let f = call.name
        for argument in keywords where !call.keywords.contains(argument.keyword!) {
            let k = argument.keyword!
            var notes: [String] = []
            if let near = nearestName(to: k, in: call.keywords) { notes.append("did you mean '\(near)'?") }
            else { notes.append("call it as \(call.signature)") }
            throw error(argument.keywordSite!, "\(f) has no argument named '\(k)'", notes: notes)
        }
        // Operands, then literal parameters (some may be left out from the end).
        let most = call.operands + call.literals.count, least = most - call.optionalLiterals
        guard (least...most).contains(positional.count) else {
            let words = ["no arguments", "one argument", "two arguments", "three arguments"]
            let count = least == most ? (least < words.count ? words[least] : "\(least) arguments")
                                      : "\(words[least].prefix { $0 != " " }) or \(words[most])"
            throw error(site, "\(f) takes \(count), got \(positional.count)", notes: ["call it as \(call.signature)"])
        }
        let literals = Array(positional.dropFirst(call.operands))
        var given: [String: Double?] = [:]
        for argument in keywords { given[argument.keyword!] = literal(argument.value, in: tree) }
        let sites = literals.map { tree.nodes[$0.value].start }
            + call.keywords.map { k in keywords.first { $0.keyword == k }.map { tree.nodes[$0.value].start } ?? site }
        do {
            let operation = try call.make(ScriptArguments(literals: literals.map { literal($0.value, in: tree) }, keywords: given))
            return (operation, sites)
        } catch {
            switch error.position {
            case .literal(let k): throw self.error(sites[k], error.message, notes: error.notes)
            case .keyword(let k): throw self.error(sites[literals.count + call.keywords.firstIndex(of: k)!], error.message, notes: error.notes)
            }
        }
    }

    /// The value of `zeros(…)`, `ones(…)` or `randn(…)`.
    private func initialValue(_ kind: ScriptFunction.Initializer, _ arguments: [Argument], _ tree: ExpressionTree,
                              at site: Site) throws(Diagnostic) -> Tensor {
        let f = kind.rawValue
        let allowed = kind == .randn ? ["scale", "seed"] : []
        var shape: [Int] = []
        var scale = 1.0
        var seed: UInt64 = 0
        var seen: Set<String> = []
        for argument in arguments {
            let node = tree.nodes[argument.value]
            guard let keyword = argument.keyword else {
                guard seen.isEmpty else { throw error(node.start, "positional argument after a keyword argument") }
                guard shape.count < 2 else {
                    throw error(node.start, "\(f) takes one or two sizes (a vector or a matrix)",
                                notes: ["call it as \(ScriptFunction.signature(of: f))"])
                }
                guard let v = literal(argument.value, in: tree), v == v.rounded(), v >= 1, v <= Double(maxElements) else {
                    throw error(node.start, "a size must be a whole number literal of at least 1")
                }
                shape.append(Int(v))
                continue
            }
            guard allowed.contains(keyword) else {
                var notes = ["call it as \(ScriptFunction.signature(of: f))"]
                if let near = nearestName(to: keyword, in: allowed) { notes = ["did you mean '\(near)'?"] }
                throw error(argument.keywordSite!, "\(f) has no argument named '\(keyword)'", notes: notes)
            }
            guard seen.insert(keyword).inserted else { throw error(argument.keywordSite!, "argument '\(keyword)' is given twice") }
            guard let v = literal(argument.value, in: tree) else {
                throw error(node.start, "\(keyword) must be a numeric literal")
            }
            if keyword == "scale" {
                scale = v
            } else {
                guard v == v.rounded(), v >= 0, v < 0x1p63 else {
                    throw error(node.start, "seed must be a whole number literal of at least 0")
                }
                seed = UInt64(v)
            }
        }
        guard !shape.isEmpty else {
            throw error(site, "\(f) needs a size", notes: ["call it as \(ScriptFunction.signature(of: f))"])
        }
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        guard count <= maxElements else {
            throw error(site, "\(f)\(describeShape(shape)) is too large (more than \(maxElements) elements)")
        }
        switch kind {
        case .zeros: return .zeros(shape)
        case .ones: return .ones(shape)
        case .randn:
            var generator = SplitMix64(seed: seed)
            return Tensor(shape: shape, scalars: generator.normals(count).map { $0 * scale })
        }
    }
}
