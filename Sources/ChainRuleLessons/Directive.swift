import ChainRuleSupport

/// One `>` line of a lesson: an instruction for the player. Every `>` line
/// outside a fenced block is a directive (see Lessons/README.md):
///
/// ```
/// > note forward price: two apples at 100 each
/// > note backward apple: × swaps its inputs: the gradient is n × 1.1
/// > ask backward apple: if an apple cost 1 more, how much more would you pay?
/// > check
/// > check x h=1e-4
/// > expand y
/// > data data/digits.csv: label=label features=p0..p63 scale=1/16 split=0.8 seed=7
/// > batch X t
/// > train W1 b1 W2 b2: batch=100 lr=0.5 iterations=600 report=100 seed=1 curve=digits-training.svg
/// ```
public struct Directive: Sendable {
    /// Which pass a note or question belongs to.
    public enum Phase: String, Sendable { case forward, backward }

    /// A name (or other word) and the file column where it starts.
    public struct Word: Sendable, Hashable {
        public let text: String
        public let column: Int
    }

    public enum Kind: Sendable {
        /// Text shown with a node's forward or backward step.
        case note(Phase, node: Word, text: String)
        /// A question shown before the node's value (forward) or gradient
        /// (backward) is revealed; the reveal is the next step.
        case ask(Phase, node: Word, text: String)
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

    public private(set) var kind: Kind
    /// The file line of the `>` line and the column of the keyword.
    public let line: Int
    public let column: Int
    public let sourceLine: String
    /// The keyword (`note`, `check`, …).
    public let keyword: String

    /// Every keyword a lesson understands.
    public static let keywords = ["note", "ask", "check", "expand", "data", "batch", "train"]

    mutating func appendContinuation(_ text: String) {
        switch kind {
        case .note(let phase, let node, let old): kind = .note(phase, node: node, text: old + " " + text)
        case .ask(let phase, let node, let old): kind = .ask(phase, node: node, text: old + " " + text)
        default: break
        }
    }

    private init(kind: Kind, keyword: String, line: Int, column: Int, sourceLine: String) {
        self.kind = kind; self.keyword = keyword; self.line = line; self.column = column; self.sourceLine = sourceLine
    }

    /// Parses the text after `> `; `column` is the file column of its first character.
    static func parse(_ text: String, line: Int, column: Int, sourceLine: String, fileName: String) throws(LessonError) -> Directive {
        func fail(_ message: String, at col: Int) -> LessonError {
            LessonError(fileName: fileName, line: line, column: col, message: message, sourceLine: sourceLine)
        }
        // Split at the first ':' into the head (words) and the text.
        let chars = Array(text)
        let colon = chars.firstIndex(of: ":")
        let headChars = colon.map { Array(chars[..<$0]) } ?? chars
        let tail = colon.map { String(chars[($0 + 1)...]).trimmingWhitespace() }.map(String.init)
        let tailColumn = colon.map { c -> Int in
            var k = c + 1
            while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 }
            return column + k
        } ?? column + chars.count
        var words: [Word] = []
        var k = 0
        while k < headChars.count {
            if headChars[k] == " " || headChars[k] == "\t" { k += 1; continue }
            let start = k
            while k < headChars.count, headChars[k] != " ", headChars[k] != "\t" { k += 1 }
            words.append(Word(text: String(headChars[start..<k]), column: column + start))
        }
        guard let keyword = words.first else { throw fail("empty directive", at: column) }
        let args = Array(words.dropFirst())
        func make(_ kind: Kind) -> Directive {
            Directive(kind: kind, keyword: keyword.text, line: line, column: keyword.column, sourceLine: sourceLine)
        }
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
        func phase(_ word: Word?) throws(LessonError) -> Phase {
            guard let word else { throw fail("'\(keyword.text)' needs 'forward' or 'backward' and a node name, then ':' and the text", at: keyword.column) }
            guard let p = Phase(rawValue: word.text) else {
                throw fail("expected 'forward' or 'backward', found '\(word.text)'", at: word.column)
            }
            return p
        }
        switch keyword.text {
        case "note", "ask":
            let p = try phase(args.first)
            guard args.count >= 2 else { throw fail("'\(keyword.text) \(p.rawValue)' needs a node name", at: args[0].column + args[0].text.count + 1) }
            guard args.count == 2 else { throw fail("expected ':' after the node name", at: args[2].column) }
            guard let tail, !tail.isEmpty else {
                throw fail("expected ':' and the text of the \(keyword.text == "ask" ? "question" : "note")", at: colon.map { column + $0 } ?? column + chars.count)
            }
            return make(keyword.text == "note" ? .note(p, node: args[1], text: tail) : .ask(p, node: args[1], text: tail))
        case "check":
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
            if let tail, !tail.isEmpty { throw fail("'check' takes leaf names and h=STEP, no ':'", at: tailColumn) }
            return make(.check(nodes: nodes, step: step))
        case "expand":
            if let tail, !tail.isEmpty { throw fail("'expand' takes node names, no ':'", at: tailColumn) }
            return make(.expand(nodes: args))
        case "data":
            guard let file = args.first else { throw fail("'data' needs a CSV file name", at: keyword.column + 4) }
            if args.count > 1 { throw fail("expected ':' after the file name", at: args[1].column) }
            let opts = try options(tail, startColumn: tailColumn, allowed: ["label", "features", "scale", "split", "seed"])
            return make(.data(file: file, options: opts))
        case "batch":
            guard args.count == 2 else {
                throw fail("'batch' needs two leaf names: the inputs and the labels (e.g. '> batch X t')",
                           at: args.count > 2 ? args[2].column : keyword.column)
            }
            if let tail, !tail.isEmpty { throw fail("'batch' takes two leaf names, no ':'", at: tailColumn) }
            return make(.batch(features: args[0], labels: args[1]))
        case "train":
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
            return make(.train(parameters: args, options: opts))
        default:
            let hint = Suggestion.note(for: keyword.text, in: Directive.keywords).map { "; " + $0 } ?? ""
            throw fail("unknown directive '\(keyword.text)'\(hint) (directives: \(Directive.keywords.joined(separator: ", ")); every '>' line is a directive)",
                       at: keyword.column)
        }
    }
}
