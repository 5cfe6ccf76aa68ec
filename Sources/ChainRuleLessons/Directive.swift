import ChainRuleSupport

/// One `>` line of a lesson: an instruction for the player. Every `>` line
/// outside a fenced block is a directive (see Lessons/README.md):
///
/// ```
/// > note forward price: two apples at 100 each
/// > note backward apple: × swaps its inputs: the gradient is n × 1.1
/// > ask backward apple: if an apple cost 1 more, how much more would you pay?
/// > ask backward x local: what is ∂t/∂x for an add node?
/// > expect r = 0.098938
/// > expect grad x = 15
/// > expect check x = 8.8e-8 ± 1e-8
/// > check
/// > check x h=1e-4
/// > expand y
/// > data data/digits.csv: label=label features=p0..p63 scale=1/16 split=0.8 seed=7
/// > batch X t
/// > train W1 b1 W2 b2: batch=100 lr=0.5 iterations=600 report=100 seed=1 curve=digits-training.svg
/// ```
package struct Directive: Sendable {
    /// Which pass a note or question belongs to.
    package enum Phase: String, Sendable { case forward, backward }

    /// What an `ask` step hides: the forward value, or for a backward step
    /// the local derivative, the upstream gradient or their product (the gradient).
    package enum AskTarget: String, Sendable { case value, local, upstream, product }

    /// What an `expect` line checks: a node's value, its gradient, or the
    /// largest |backprop − numerical| difference of a gradient check.
    package enum ExpectQuantity: String, Sendable { case value, grad, check }

    /// A name (or other word) and the file column where it starts.
    package struct Word: Sendable, Hashable {
        package let text: String
        package let column: Int
    }

    package enum Kind: Sendable {
        /// Text shown with a node's forward or backward step.
        case note(Phase, node: Word, text: String)
        /// A question shown before the node's value (forward) or gradient
        /// (backward) is revealed; the reveal is the next step.
        case ask(Phase, node: Word, target: AskTarget, text: String)
        /// A number the lesson states, checked against the engine when the
        /// lesson is built: `value` within `tolerance` (a number or an array).
        case expect(ExpectQuantity, node: Word, value: Word, tolerance: Double)
        /// Backprop vs numerical gradients for the named leaves (all leaves if
        /// none), with the central-difference step `h`.
        case check(nodes: [Word], step: Double?)
        /// Play the graph with these fused operations (all if none) expanded
        /// into primitives.
        case expand(nodes: [Word])
        /// A CSV file (relative to the lesson) whose rows feed `batch` and `train`.
        case data(file: Word, options: [String: Word])
        /// Fill leaves `features` and `labels` with the first training rows.
        case batch(features: Word, labels: Word)
        /// Mini-batch SGD on the named parameters.
        case train(parameters: [Word], options: [String: Word])
    }

    package private(set) var kind: Kind
    /// The file line of the `>` line and the column of the keyword.
    package let line: Int
    package let column: Int
    package let sourceLine: String
    /// The keyword (`note`, `check`, …).
    package let keyword: String

    /// Every keyword a lesson understands.
    package static let keywords = ["note", "ask", "expect", "check", "expand", "data", "batch", "train"]

    mutating func appendContinuation(_ text: String) {
        switch kind {
        case .note(let phase, let node, let old): kind = .note(phase, node: node, text: old + " " + text)
        case .ask(let phase, let node, let target, let old): kind = .ask(phase, node: node, target: target, text: old + " " + text)
        default: break
        }
    }

    fileprivate init(kind: Kind, keyword: String, line: Int, column: Int, sourceLine: String) {
        self.kind = kind; self.keyword = keyword; self.line = line; self.column = column; self.sourceLine = sourceLine
    }

    /// Parses the text after `> `; `column` is the file column of its first character.
    static func parse(_ text: String, line: Int, column: Int, sourceLine: String, fileName: String) throws(LessonError) -> Directive {
        let l = try DirectiveLine(text, line: line, column: column, sourceLine: sourceLine, fileName: fileName)
        switch l.keyword.text {
        case "note", "ask": return l.make(try l.noteOrAsk())
        case "expect": return l.make(try parseExpect(text, column: column, fail: l.fail))
        case "check": return l.make(try l.check())
        case "expand":
            if let tail = l.tail, !tail.isEmpty { throw l.fail("'expand' takes node names, no ':'", at: l.tailColumn) }
            return l.make(.expand(nodes: l.args))
        case "data": return l.make(try l.data())
        case "batch": return l.make(try l.batch())
        case "train": return l.make(try l.train())
        default:
            var error = l.fail("unknown directive '\(l.keyword.text)'", at: l.keyword.column)
            error.notes = Suggestion.note(for: l.keyword.text, in: Directive.keywords).map { [$0] } ?? []
            error.notes.append("directives: \(Directive.keywords.joined(separator: ", ")); every '>' line is a directive")
            throw error
        }
    }
}

/// A `>` line split into its words (the keyword and its arguments, before the
/// first `:`) and its tail (the text after `:`), with the columns of each,
/// and the parsing of each keyword's words.
private struct DirectiveLine {
    typealias Word = Directive.Word
    let fileName: String
    let line: Int
    let column: Int
    let sourceLine: String
    /// The characters after `> `.
    let chars: [Character]
    /// Where the first `:` is in `chars`.
    let colon: Int?
    /// The text after the `:`, trimmed.
    let tail: String?
    /// The file column where `tail` starts.
    let tailColumn: Int
    let keyword: Word
    /// The words after the keyword, before the `:`.
    let args: [Word]

    init(_ text: String, line: Int, column: Int, sourceLine: String, fileName: String) throws(LessonError) {
        self.fileName = fileName
        self.line = line
        self.column = column
        self.sourceLine = sourceLine
        // Split at the first ':' into the head (words) and the text.
        let chars = Array(text)
        let colon = chars.firstIndex(of: ":")
        self.chars = chars
        self.colon = colon
        tail = colon.map { String(chars[($0 + 1)...]).trimmingWhitespace() }.map(String.init)
        tailColumn = colon.map { c -> Int in
            var k = c + 1
            while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 }
            return column + k
        } ?? column + chars.count
        let headChars = colon.map { Array(chars[..<$0]) } ?? chars
        var words: [Word] = []
        var k = 0
        while k < headChars.count {
            if headChars[k] == " " || headChars[k] == "\t" { k += 1; continue }
            let start = k
            while k < headChars.count, headChars[k] != " ", headChars[k] != "\t" { k += 1 }
            words.append(Word(text: String(headChars[start..<k]), column: column + start))
        }
        guard let keyword = words.first else {
            throw LessonError(fileName: fileName, line: line, column: column, message: "empty directive", sourceLine: sourceLine)
        }
        self.keyword = keyword
        args = Array(words.dropFirst())
    }

    func fail(_ message: String, at col: Int) -> LessonError {
        LessonError(fileName: fileName, line: line, column: col, message: message, sourceLine: sourceLine)
    }

    func make(_ kind: Directive.Kind) -> Directive {
        Directive(kind: kind, keyword: keyword.text, line: line, column: keyword.column, sourceLine: sourceLine)
    }

    /// Whether there is text after a `:`.
    var hasTail: Bool { tail.map { !$0.isEmpty } ?? false }

    /// `key=value` words of the tail (or of the head for directives without a colon).
    func options(_ text: String?, startColumn: Int, allowed: [String]) throws(LessonError) -> [String: Word] {
        guard let text else { return [:] }
        var out: [String: Word] = [:]
        let cs = Array(text)
        var k = 0
        while k < cs.count {
            if cs[k] == " " || cs[k] == "\t" || cs[k] == "," { k += 1; continue }
            let start = k
            while k < cs.count, cs[k] != " ", cs[k] != "\t", cs[k] != "," { k += 1 }
            let word = String(cs[start..<k])
            let col = startColumn + start
            guard let eq = word.firstIndex(of: "=") else {
                throw fail("expected key=value (one of \(allowed.joined(separator: ", "))), found '\(word)'", at: col)
            }
            let key = String(word[..<eq])
            let value = String(word[word.index(after: eq)...])
            guard allowed.contains(key) else {
                throw fail("unknown option '\(key)' for '\(keyword.text)'; expected one of \(allowed.joined(separator: ", "))", at: col)
            }
            guard !value.isEmpty else { throw fail("option '\(key)' needs a value", at: col) }
            out[key] = Word(text: value, column: col + key.count + 1)
        }
        return out
    }

    func phase(_ word: Word?) throws(LessonError) -> Directive.Phase {
        guard let word else { throw fail("'\(keyword.text)' needs 'forward' or 'backward' and a node name, then ':' and the text", at: keyword.column) }
        guard let p = Directive.Phase(rawValue: word.text) else {
            throw fail("expected 'forward' or 'backward', found '\(word.text)'", at: word.column)
        }
        return p
    }

    /// `note PHASE NODE: text` and `ask PHASE NODE [TARGET]: question`.
    func noteOrAsk() throws(LessonError) -> Directive.Kind {
        let p = try phase(args.first)
        guard args.count >= 2 else { throw fail("'\(keyword.text) \(p.rawValue)' needs a node name", at: args[0].column + args[0].text.count + 1) }
        var target: Directive.AskTarget = p == .forward ? .value : .product
        if keyword.text == "ask", args.count == 3 {
            let allowed: [Directive.AskTarget] = p == .forward ? [.value] : [.local, .upstream, .product]
            guard let t = Directive.AskTarget(rawValue: args[2].text), allowed.contains(t) else {
                throw fail("expected what to ask (\(allowed.map(\.rawValue).joined(separator: ", "))) or ':', found '\(args[2].text)'", at: args[2].column)
            }
            target = t
        } else if args.count > 2 {
            throw fail("expected ':' after the node name", at: args[2].column)
        }
        guard let tail, !tail.isEmpty else {
            throw fail("expected ':' and the text of the \(keyword.text == "ask" ? "question" : "note")", at: colon.map { column + $0 } ?? column + chars.count)
        }
        return keyword.text == "note" ? .note(p, node: args[1], text: tail) : .ask(p, node: args[1], target: target, text: tail)
    }

    /// `check [LEAF …] [h=STEP]`.
    func check() throws(LessonError) -> Directive.Kind {
        var nodes: [Word] = []
        var step: Double?
        for w in args {
            if w.text.hasPrefix("h=") {
                guard let h = Double(w.text.dropFirst(2)), h > 0, h.isFinite else {
                    throw fail("expected a positive step like h=1e-4", at: w.column)
                }
                step = h
            } else { nodes.append(w) }
        }
        if hasTail { throw fail("'check' takes leaf names and h=STEP, no ':'", at: tailColumn) }
        return .check(nodes: nodes, step: step)
    }

    /// `data FILE: label=… features=… scale=… split=… seed=…`.
    func data() throws(LessonError) -> Directive.Kind {
        guard let file = args.first else { throw fail("'data' needs a CSV file name", at: keyword.column + 4) }
        if args.count > 1 { throw fail("expected ':' after the file name", at: args[1].column) }
        let opts = try options(tail, startColumn: tailColumn, allowed: ["label", "features", "scale", "split", "seed"])
        return .data(file: file, options: opts)
    }

    /// `batch FEATURES LABELS`.
    func batch() throws(LessonError) -> Directive.Kind {
        guard args.count == 2 else {
            throw fail("'batch' needs two leaf names: the inputs and the labels (e.g. '> batch X t')",
                       at: args.count > 2 ? args[2].column : keyword.column)
        }
        if hasTail { throw fail("'batch' takes two leaf names, no ':'", at: tailColumn) }
        return .batch(features: args[0], labels: args[1])
    }

    /// `train PARAM …: batch=… lr=… iterations=… epochs=… report=… seed=… curve=… scores=…`.
    func train() throws(LessonError) -> Directive.Kind {
        guard !args.isEmpty else { throw fail("'train' needs the parameters to train (e.g. '> train W1 b1 W2 b2: …')", at: keyword.column) }
        let opts = try options(tail, startColumn: tailColumn,
                               allowed: ["batch", "lr", "iterations", "epochs", "report", "seed", "curve", "scores"])
        for key in ["batch", "iterations", "epochs", "report", "seed"] {
            if let w = opts[key], Int(w.text).map({ $0 > 0 }) != true {
                throw fail("expected a positive whole number for \(key)", at: w.column)
            }
        }
        if let w = opts["lr"], Double(w.text).map({ $0 > 0 && $0.isFinite }) != true {
            throw fail("expected a positive learning rate, e.g. lr=0.1", at: w.column)
        }
        if let c = opts["curve"], c.text.contains("/") || !c.text.hasSuffix(".svg") {
            throw fail("curve= takes a file name ending in .svg (written into Output/)", at: c.column)
        }
        return .train(parameters: args, options: opts)
    }
}

extension Directive {
    /// `expect [grad|check] NAME = VALUE [± TOL]` (the text after `> `).
    static func parseExpect(_ text: String, column: Int, fail: (String, Int) -> LessonError) throws(LessonError) -> Kind {
        let usage = "expected 'expect NAME = VALUE', 'expect grad NAME = VALUE' or 'expect check NAME = VALUE', optionally '± TOLERANCE'"
        let chars = Array(text)
        guard let eq = chars.firstIndex(of: "=") else { throw fail(usage, column + chars.count) }
        // Head words: expect [grad|check] NAME
        var words: [Word] = []
        var k = 0
        while k < eq {
            if chars[k] == " " || chars[k] == "\t" { k += 1; continue }
            let start = k
            while k < eq, chars[k] != " ", chars[k] != "\t" { k += 1 }
            words.append(Word(text: String(chars[start..<k]), column: column + start))
        }
        var quantity = ExpectQuantity.value
        var rest = Array(words.dropFirst())
        if rest.count == 2, let q = ExpectQuantity(rawValue: rest[0].text), q != .value {
            quantity = q
            rest.removeFirst()
        }
        guard rest.count == 1 else {
            throw fail(rest.isEmpty ? "'expect' needs a node name before '='" : usage, rest.count > 1 ? rest[1].column : column + eq)
        }
        // Value, then an optional ± tolerance (also written +-).
        var after = String(chars[(eq + 1)...])
        var afterColumn = column + eq + 1
        while let first = after.first, first == " " || first == "\t" { after.removeFirst(); afterColumn += 1 }
        var valueText = after
        var tolerance = Double.nan
        if let range = after.range(of: "±") ?? after.range(of: "+-") {
            valueText = String(after[..<range.lowerBound])
            let tolText = after[range.upperBound...].trimmingWhitespace()
            let tolColumn = afterColumn + after.distance(from: after.startIndex, to: range.upperBound)
                + (after[range.upperBound...].count - after[range.upperBound...].drop { $0 == " " || $0 == "\t" }.count)
            guard let t = LessonNumber.parse(String(tolText)), t >= 0, t.isFinite else {
                throw fail("expected a tolerance after '±', like '± 1e-6'", tolColumn)
            }
            tolerance = t
        }
        valueText = String(valueText.trimmingWhitespace())
        guard !valueText.isEmpty else { throw fail("expected a number (or [1, 2, …]) after '='", afterColumn) }
        guard LessonNumber.parseTensor(valueText) != nil else {
            throw fail("expected a number like 0.0989 or -2, or an array like [1, -2, 3], found '\(valueText)'", afterColumn)
        }
        if tolerance.isNaN { tolerance = LessonNumber.impliedTolerance(valueText) }
        return .expect(quantity, node: rest[0], value: Word(text: valueText, column: afterColumn), tolerance: tolerance)
    }
}

