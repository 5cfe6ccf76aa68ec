import ChainRule
import ChainRuleRender
import ChainRuleSupport
import Foundation

/// Turns a parsed lesson into sections and steps.
struct StepBuilder {
    let document: LessonDocument
    let directory: String
    let readFile: Lesson.FileReader?
    var sections: [LessonSection] = []
    var steps: [LessonStep] = []
    private var pendingProse: [(text: String, line: Int)] = []
    /// Numbers in the prose that look like a node's value but differ (for `chainrule lint`).
    var warnings: [LessonError] = []
    /// The numbers of the last evaluated section (for the closing summary's `{{…}}`).
    private var lastValues: SectionValues?
    private var dataset: Dataset?

    init(document: LessonDocument, directory: String, readFile: Lesson.FileReader? = nil) {
        self.document = document
        self.directory = directory
        self.readFile = readFile
    }

    private var fileName: String { document.fileName }

    private func error(_ message: String, line: Int, column: Int) -> LessonError {
        let source = line >= 1 && line <= document.lines.count ? document.lines[line - 1] : ""
        return LessonError(fileName: fileName, line: line, column: column, message: message, sourceLine: source)
    }

    private func error(_ message: String, at word: Directive.Word, in d: Directive) -> LessonError {
        error(message, line: d.line, column: word.column)
    }

    mutating func build() throws(LessonError) {
        let elements = document.elements
        var i = 0
        while i < elements.count {
            switch elements[i] {
            case .prose(let text, let line):
                pendingProse.append((text, line))
                i += 1
            case .directive(let d):
                if case .data = d.kind {
                    try loadData(d)
                } else {
                    throw error("'\(d.keyword)' belongs after a ```graph block; there is none above it", line: d.line, column: d.column)
                }
                i += 1
            case .graph(let source, let firstLine, let fenceLine):
                var items: [LessonDocument.Element] = []
                var j = i + 1
                while j < elements.count {
                    if case .graph = elements[j] { break }
                    items.append(elements[j])
                    j += 1
                }
                try buildSection(source: source, firstLine: firstLine, fenceLine: fenceLine, items: items)
                i = j
            }
        }
        if sections.isEmpty {
            throw error("a lesson needs at least one ```graph block", line: 1, column: 1)
        }
        if !pendingProse.isEmpty {
            append(kind: .summary, section: nil, title: "summary", prose: try takeProse(lastValues))
        }
    }

    /// The prose waiting for the next step, with its `{{…}}` filled in from
    /// `values` (the section the step belongs to) and its numbers checked.
    private mutating func takeProse(_ values: SectionValues?) throws(LessonError) -> String? {
        defer { pendingProse = [] }
        guard !pendingProse.isEmpty else { return nil }
        var parts: [String] = []
        for (text, line) in pendingProse {
            guard let values else { parts.append(text); continue }
            let filled = try Interpolation.apply(text, values: values) { message, offset in
                let (l, c) = StepBuilder.position(in: text, offset: offset, firstLine: line)
                return error(message, line: l, column: c)
            }
            for f in NumberClaims.scan(text, values: values) {
                let (l, c) = StepBuilder.position(in: text, offset: f.offset, firstLine: line)
                warn(f.message, line: l, column: c)
            }
            parts.append(filled)
        }
        return parts.joined(separator: "\n\n")
    }

    /// Line and column in the file of a character offset into a prose block.
    static func position(in text: String, offset: Int, firstLine: Int) -> (line: Int, column: Int) {
        var line = firstLine, column = 1
        for c in text.prefix(offset) {
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    private mutating func warn(_ message: String, line: Int, column: Int) {
        var w = error(message, line: line, column: column)
        w.isWarning = true
        warnings.append(w)
    }

    /// Where `needle` (a piece of a directive's text) stands in the file:
    /// on the directive's line or one of its continuation lines.
    private func locate(_ needle: String, in d: Directive) -> (line: Int, column: Int) {
        for l in d.line...min(d.line + 8, document.lines.count) {
            if let r = document.lines[l - 1].range(of: needle) {
                return (l, document.lines[l - 1].distance(from: document.lines[l - 1].startIndex, to: r.lowerBound) + 1)
            }
        }
        return (d.line, d.column)
    }

    /// A note's or question's text with `{{…}}` filled in and its numbers checked.
    private mutating func directiveText(_ text: String, _ d: Directive, _ values: SectionValues,
                                        subject: NumberClaims.Subject?) throws(LessonError) -> String {
        let filled = try Interpolation.apply(text, values: values) { message, offset in
            let token = String(text.dropFirst(offset).prefix { $0 != "}" })
            let (l, c) = locate(token, in: d)
            return error(message, line: l, column: c)
        }
        for f in NumberClaims.scan(text, values: values, subject: subject) {
            // On the directive's own line the offset is exact; on a continuation line, find the number.
            let line = document.lines[d.line - 1]
            if let r = line.range(of: String(text.prefix(24))) {
                let start = line.distance(from: line.startIndex, to: r.lowerBound)
                if start + f.offset < line.count { warn(f.message, line: d.line, column: start + f.offset + 1); continue }
            }
            let token = String(text.dropFirst(f.offset).prefix { $0 != " " && $0 != "," })
            let (l, c) = locate(token, in: d)
            warn(f.message, line: l, column: c)
        }
        return filled
    }

    private mutating func append(kind: LessonStep.Kind, section: Int?, title: String, prose: String? = nil,
                                 notes: [String] = [], question: String? = nil, equations: [String] = [],
                                 terms: [BackwardTerm] = [], sum: Tensor? = nil,
                                 values: Set<NodeID> = [], gradients: Set<NodeID> = [], focus: NodeID? = nil,
                                 edges: [EdgeKey] = [], checks: [CheckRow] = [], table: [String] = [],
                                 training: TrainingPlan? = nil, answer: Tensor? = nil, hint: String? = nil,
                                 asked: Directive.AskTarget? = nil) {
        steps.append(LessonStep(number: steps.count + 1, kind: kind, section: section, title: title, prose: prose,
                                notes: notes, question: question, equations: equations, terms: terms, sum: sum,
                                knownValues: values, knownGradients: gradients, focus: focus, edges: edges,
                                checks: checks, table: table, training: training, answer: answer, hint: hint, asked: asked))
    }

    // MARK: data

    private mutating func loadData(_ d: Directive) throws(LessonError) {
        guard case .data(let file, let options) = d.kind else { return }
        var path = file.text.hasPrefix("/") ? file.text : (directory as NSString).appendingPathComponent(file.text)
        var found = readFile.flatMap { $0(file.text) }
        if readFile == nil, let data = FileManager.default.contents(atPath: path) { found = (data, path) }
        if let found { path = found.path }
        guard let data = found?.data else {
            throw error("data file '\(file.text)' not found (looked for \(path))", at: file, in: d)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw error("data file '\(file.text)' is not UTF-8 text", at: file, in: d)
        }
        let label = options["label"]?.text ?? "label"
        var scale = 1.0
        if let s = options["scale"] {
            let parts = s.text.split(separator: "/", omittingEmptySubsequences: false)
            let value: Double? = parts.count == 2 ? Double(parts[0]).flatMap { a in Double(parts[1]).map { a / $0 } }
                                                  : (parts.count == 1 ? Double(s.text) : nil)
            guard let value, value.isFinite, value != 0 else { throw error("expected a scale like 1/16 or 0.0625", at: s, in: d) }
            scale = value
        }
        var split = 0.8
        if let s = options["split"] {
            guard let v = Double(s.text), v > 0, v <= 1 else { throw error("expected the training fraction, e.g. split=0.8", at: s, in: d) }
            split = v
        }
        var seed: UInt64 = 0
        if let s = options["seed"] {
            guard let v = UInt64(s.text) else { throw error("expected a whole number seed", at: s, in: d) }
            seed = v
        }
        var range: (first: String, last: String)?
        if let f = options["features"] {
            let parts = f.text.components(separatedBy: "..")
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw error("expected a column range like features=p0..p63", at: f, in: d)
            }
            range = (parts[0], parts[1])
        }
        do {
            dataset = try Dataset(csv: text, file: file.text, label: label, features: range, scale: scale, trainFraction: split, seed: seed)
        } catch {
            let at: Directive.Word
            if error.line == 1, error.message.contains("'\(label)'"), let w = options["label"] { at = w }
            else if error.line == 1, let w = options["features"] { at = w }
            else { at = file }
            throw self.error("\(file.text):\(error.line): \(error.message)", at: at, in: d)
        }
    }

    // MARK: sections

    /// One ```graph block and the directives after it: its graph (expanded
    /// if asked), its data, its evaluation, then its steps — the overview,
    /// one forward step per operation, the seed and one backward step per
    /// node, and the checks and training in document order.
    private mutating func buildSection(source: String, firstLine: Int, fenceLine: Int,
                                       items: [LessonDocument.Element]) throws(LessonError) {
        let script = try compileGraphBlock(source, fileName: fileName, firstLine: firstLine)
        let directives = items.compactMap { item -> Directive? in
            if case .directive(let d) = item { return d }
            return nil
        }
        let (graph, mapping, expanded) = try expand(script.graph, directives)
        var section = SectionDraft(written: script.graph, graph: graph, mapping: mapping, expanded: expanded,
                                   output: mapping[script.output.index])
        let uses = try readDirectives(directives, &section)
        // Evaluate.
        let backward: Backward
        do {
            backward = try section.graph.forward().backward(from: section.output)
        } catch {
            if !expanded { throw LessonError(diagnostic: script.diagnostic(for: error)) }
            let name = section.graph[error.node].name.map { "'\($0)'" } ?? "a node"
            throw self.error("cannot evaluate \(name): \(error.message)", line: fenceLine, column: 1)
        }
        let built = LessonSection(index: sections.count, source: source, firstLine: firstLine, graph: section.graph,
                                  written: section.written, mapping: mapping, expanded: expanded, output: section.output,
                                  backward: backward, labels: NodeLabels(graph: section.graph).with(output: section.output),
                                  groups: expanded ? script.groups.mapped(through: mapping, in: section.graph) : script.groups)
        sections.append(built)
        let checkSteps = directives.compactMap { d -> (names: [String], h: Double?)? in
            if case .check(let nodes, let h) = d.kind { return (nodes.map(\.text), h) }
            return nil
        }
        let values = SectionValues(graph: section.graph, backward: backward, output: section.output) { leaf in
            let name = section.graph[leaf].name ?? ""
            let h = checkSteps.first { $0.names.isEmpty || $0.names.contains(name) }?.h
            return h ?? GradientCheck.defaultStep
        }
        lastValues = values
        let text = try directiveTexts(uses, values)
        var known = try appendOverview(built, text, values)
        appendForwardSteps(built, text, &known)
        let gradients = try appendBackwardSteps(built, text, known)
        try appendChecksAndTraining(items, built, values, known: known, gradients: gradients, batch: uses.batch)
    }

    /// A section's graph before it is evaluated: as written, as played, and
    /// how the nodes of one map to the other.
    private struct SectionDraft {
        let written: Graph
        var graph: Graph
        let mapping: [NodeID]
        let expanded: Bool
        let output: NodeID
    }

    /// The notes, questions, expectations and batch leaves of a section, as read.
    private struct DirectiveUses {
        var notes: [(Directive.Phase, NodeID, String, Directive)] = []
        var asks: [(Directive.Phase, NodeID, Directive.AskTarget, String, Directive)] = []
        var expects: [Directive] = []
        var batch: (x: NodeID, t: NodeID, directive: Directive)?
    }

    /// The notes and questions of a section with their `{{…}}` filled in,
    /// by phase and node.
    private struct DirectiveTexts {
        var notes: [Directive.Phase: [NodeID: [String]]] = [.forward: [:], .backward: [:]]
        var asks: [Directive.Phase: [NodeID: (target: Directive.AskTarget, text: String, directive: Directive)]] = [.forward: [:], .backward: [:]]
    }

    /// `written` with the fused operations that `> expand` names (all of
    /// them for a bare `> expand`) replaced by their primitives.
    private func expand(_ written: Graph, _ directives: [Directive]) throws(LessonError)
        -> (graph: Graph, mapping: [NodeID], expanded: Bool) {
        let expandDirectives = directives.filter { if case .expand = $0.kind { return true } else { return false } }
        guard !expandDirectives.isEmpty else { return (written, written.nodes.map(\.id), false) }
        var names: Set<String> = []
        var all = false
        for d in expandDirectives {
            guard case .expand(let nodes) = d.kind else { continue }
            if nodes.isEmpty { all = true }
            for w in nodes {
                guard let id = written.node(named: w.text) else {
                    throw error("no node named '\(w.text)' in the graph above", at: w, in: d)
                }
                guard let op = written[id].operation, op.isFused else {
                    throw error("'\(w.text)' is not a fused operation (sigmoid, softmax or softmax_cross_entropy); nothing to expand", at: w, in: d)
                }
                names.insert(w.text)
            }
        }
        let result = written.expanded { all || ($0.name.map { names.contains($0) } ?? false) }
        return (result.graph, result.mapping, true)
    }

    /// The node a directive names, or a located error with a "did you mean" note.
    private func lookup(_ w: Directive.Word, _ d: Directive, in graph: Graph) throws(LessonError) -> NodeID {
        guard let id = graph.node(named: w.text) else {
            let names = graph.nodes.compactMap(\.name)
            var e = error("no node named '\(w.text)' in the graph above", at: w, in: d)
            e.notes = Suggestion.note(for: w.text, in: names).map { [$0] } ?? []
            throw e
        }
        return id
    }

    /// Loads `> data`, fills the `> batch` leaves of `section.graph` with the
    /// first training rows, and checks the nodes every note, question and
    /// expectation names.
    private mutating func readDirectives(_ directives: [Directive], _ section: inout SectionDraft) throws(LessonError) -> DirectiveUses {
        var uses = DirectiveUses()
        for d in directives {
            switch d.kind {
            case .data: try loadData(d)
            case .note(let phase, let w, let text):
                uses.notes.append((phase, try lookup(w, d, in: section.graph), text, d))
            case .ask(let phase, let w, let target, let text):
                let id = try lookup(w, d, in: section.graph)
                if phase == .forward, section.graph[id].operation == nil {
                    throw error("'\(w.text)' is an input: its value is given, there is no forward step to ask about", at: w, in: d)
                }
                uses.asks.append((phase, id, target, text, d))
            case .expect(_, let w, _, _):
                _ = try lookup(w, d, in: section.graph)
                uses.expects.append(d)
            case .batch(let xw, let tw):
                let (x, t) = try fillBatch(xw, tw, d, &section.graph)
                uses.batch = (x, t, d)
            default: break
            }
        }
        return uses
    }

    /// `> batch X t`: the input and label leaves, filled with the first
    /// training rows of the section's data.
    private func fillBatch(_ xw: Directive.Word, _ tw: Directive.Word, _ d: Directive,
                           _ graph: inout Graph) throws(LessonError) -> (NodeID, NodeID) {
        guard let dataset else {
            throw error("'batch' needs a '> data FILE: label=…' line before it", line: d.line, column: d.column)
        }
        let x = try lookup(xw, d, in: graph), t = try lookup(tw, d, in: graph)
        for (id, w) in [(x, xw), (t, tw)] where graph[id].kind != .leaf {
            throw error("'\(w.text)' is not an input (a leaf like 'X = zeros(3, 64)'), so data cannot fill it", at: w, in: d)
        }
        let xs = graph[x].shape
        guard xs.count == 2, xs[1] == dataset.featureCount else {
            throw error("'\(xw.text)' has shape \(describeShape(xs)); the data needs (rows, \(dataset.featureCount))", at: xw, in: d)
        }
        guard graph[t].shape == [xs[0]] else {
            throw error("'\(tw.text)' has shape \(describeShape(graph[t].shape)); class labels for \(xs[0]) rows need (\(xs[0]),)", at: tw, in: d)
        }
        guard xs[0] <= dataset.train.count else {
            throw error("the batch has \(xs[0]) rows but only \(dataset.train.count) training rows exist", at: xw, in: d)
        }
        let (bx, bt) = dataset.batch(dataset.train.prefix(xs[0]))
        graph.setValue(bx, of: x)
        graph.setValue(bt, of: t)
        return (x, t)
    }

    /// Notes, questions and expectations: their numbers come from this section.
    private mutating func directiveTexts(_ uses: DirectiveUses, _ values: SectionValues) throws(LessonError) -> DirectiveTexts {
        var texts = DirectiveTexts()
        for (phase, id, text, d) in uses.notes {
            texts.notes[phase]![id, default: []].append(try directiveText(text, d, values, subject: .init(node: id, phase: phase)))
        }
        for (phase, id, target, text, d) in uses.asks {
            texts.asks[phase]![id] = (target, try directiveText(text, d, values, subject: nil), d)
        }
        for d in uses.expects { try checkExpectation(d, values) }
        return texts
    }

    /// The overview step: every input with its value (and what an expanded
    /// fused operation became). Returns the nodes known so far: the inputs.
    private mutating func appendOverview(_ section: LessonSection, _ text: DirectiveTexts,
                                         _ sectionValues: SectionValues) throws(LessonError) -> Set<NodeID> {
        let graph = section.graph, labels = section.labels, values = section.forward.values
        let known: Set<NodeID> = Set(graph.nodes.filter { $0.operation == nil }.map(\.id))
        var overview: [String] = []
        for node in graph.nodes where node.kind == .leaf {
            overview.append(leafLine(node, values[node.id.index], labels))
        }
        if section.expanded {
            for node in section.written.nodes {
                let played = section.mapping[node.id.index]
                guard let op = node.operation, op.isFused, graph[played].operation != op else { continue }
                overview.append("\(labels[played]) = \(op.scriptName)(…) is drawn expanded: \(expansionText(op))")
            }
        }
        let leafNotes = graph.nodes.filter { $0.operation == nil }.flatMap { text.notes[.forward]![$0.id] ?? [] }
        append(kind: .overview, section: section.index, title: "the graph" + (section.expanded ? " (fused operations expanded)" : ""),
               prose: try takeProse(sectionValues), notes: leafNotes, equations: overview, values: known,
               edges: [])
        return known
    }

    /// One forward step per operation (preceded by its question, if asked).
    private mutating func appendForwardSteps(_ section: LessonSection, _ text: DirectiveTexts, _ known: inout Set<NodeID>) {
        let labels = section.labels, values = section.forward.values, s = section.index
        for node in section.graph.nodes {
            guard let op = node.operation else { continue }
            let incoming = node.inputs.enumerated().map { EdgeKey(from: $0.element, to: node.id, operand: $0.offset) }
            let expression = NodeLabels.expression(op, node.inputs.map { labels[$0] })
            let title = "forward · \(labels[node.id]) = \(expression)"
            if let q = text.asks[.forward]![node.id] {
                append(kind: .forward(node.id), section: s, title: title, question: q.text,
                       equations: forwardEquation(node, values, labels, hide: true), values: known, focus: node.id, edges: incoming,
                       answer: values[node.id.index], hint: "compute " + expression + " from the values above",
                       asked: .value)
            }
            known.insert(node.id)
            append(kind: .forward(node.id), section: s, title: title, notes: text.notes[.forward]![node.id] ?? [],
                   equations: forwardEquation(node, values, labels, hide: false), values: known, focus: node.id, edges: incoming)
        }
    }

    /// The seed, then one backward step per node in reverse order (each
    /// preceded by its question, if asked). Returns the nodes whose
    /// gradients are known at the end.
    private mutating func appendBackwardSteps(_ section: LessonSection, _ text: DirectiveTexts,
                                              _ known: Set<NodeID>) throws(LessonError) -> Set<NodeID> {
        let graph = section.graph, labels = section.labels, output = section.output, backward = section.backward
        let s = section.index
        var grads: Set<NodeID> = []
        let outLabel = labels[output]
        let seedText = graph[output].shape.isEmpty
            ? "\(labels.partial(output, output)) = 1 (the seed)"
            : "\(labels.partial(output, output)) = ones\(describeShape(graph[output].shape)) (the seed; a non-scalar output: the gradient of the sum of \(outLabel))"
        if let q = text.asks[.backward]![output] {
            append(kind: .seed(output), section: s, title: "backward · start at \(outLabel)", question: q.text,
                   equations: [labels.partial(output, output) + " = ?"], values: known, gradients: grads, focus: output,
                   answer: backward.gradient(of: output), hint: "how fast does a value change with itself?", asked: .product)
        }
        grads.insert(output)
        append(kind: .seed(output), section: s, title: "backward · start at \(outLabel)",
               notes: text.notes[.backward]![output] ?? [], equations: [seedText], values: known, gradients: grads, focus: output)
        for index in stride(from: output.index - 1, through: 0, by: -1) {
            let id = NodeID(index)
            guard graph[id].kind != .constant, let total = backward.gradient(of: id) else { continue }
            let records = backward.edges(into: id).sorted { ($0.to, $0.operand) < ($1.to, $1.operand) }
            guard !records.isEmpty else { continue }
            let title = "backward · \(labels.partial(output, id))" + (records.count > 1 ? " (used \(records.count) times: the gradients add)" : "")
            let edges = records.map(EdgeKey.init)
            if let q = text.asks[.backward]![id] {
                let (answer, hint, hidden) = try askedQuantity(q.target, id: id, records: records, total: total, labels: labels,
                                                                directive: q.directive)
                let (terms, eq) = backwardEquations(id, records, total, labels, ask: q.target)
                append(kind: .backward(id), section: s, title: title, question: q.text, equations: eq, terms: terms,
                       values: known, gradients: grads.subtracting(hidden), focus: id, edges: edges,
                       answer: answer, hint: hint, asked: q.target)
            }
            grads.insert(id)
            let (terms, eq) = backwardEquations(id, records, total, labels, ask: nil)
            append(kind: .backward(id), section: s, title: title, notes: text.notes[.backward]![id] ?? [], equations: eq,
                   terms: terms, sum: records.count > 1 ? total : nil, values: known, gradients: grads, focus: id, edges: edges)
        }
        return grads
    }

    /// `> check` and `> train` steps, in document order, each with the prose before it.
    private mutating func appendChecksAndTraining(_ items: [LessonDocument.Element], _ section: LessonSection,
                                                  _ values: SectionValues, known: Set<NodeID>, gradients: Set<NodeID>,
                                                  batch: (x: NodeID, t: NodeID, directive: Directive)?) throws(LessonError) {
        let graph = section.graph, backward = section.backward
        for item in items {
            switch item {
            case .prose(let text, let line): pendingProse.append((text, line))
            case .directive(let d):
                switch d.kind {
                case .check(let nodes, let h):
                    var leaves: [NodeID] = []
                    for w in nodes {
                        let id = try lookup(w, d, in: graph)
                        guard graph[id].kind == .leaf else {
                            throw error("'\(w.text)' is not an input; a gradient check varies inputs (leaves)", at: w, in: d)
                        }
                        guard backward.gradient(of: id) != nil else {
                            throw error("'\(w.text)' is a target: no gradient flows into it", at: w, in: d)
                        }
                        leaves.append(id)
                    }
                    if leaves.isEmpty { leaves = graph.leaves.filter { backward.gradient(of: $0) != nil } }
                    let (rows, table) = try check(graph, output: section.output, leaves: leaves, step: h, labels: section.labels, directive: d)
                    append(kind: .check, section: section.index, title: "gradient check · backprop vs numerical", prose: try takeProse(values),
                           equations: ["numerical: (f(x + h) − f(x − h)) / 2h with h = \(LessonFormat.number(h ?? GradientCheck.defaultStep)), one element at a time"],
                           values: known, gradients: gradients, checks: rows, table: table)
                case .train(let params, let options):
                    guard let batch else {
                        throw error("'train' needs a '> batch X t' line in this section naming the input and label leaves", line: d.line, column: d.column)
                    }
                    let plan = try trainingPlan(d, params: params, options: options, graph: graph, output: section.output,
                                                x: batch.x, t: batch.t) { w, d throws(LessonError) in try lookup(w, d, in: graph) }
                    append(kind: .training, section: section.index, title: "training · mini-batch gradient descent", prose: try takeProse(values),
                           equations: ["for each batch: forward, backward, then every parameter p ← p − \(LessonFormat.number(plan.learningRate)) · ∂L/∂p"],
                           values: known, gradients: gradients, training: plan)
                default: break
                }
            case .graph: break
            }
        }
    }

    /// `> expect …`: the stated number must be what the engine computes.
    private func checkExpectation(_ d: Directive, _ values: SectionValues) throws(LessonError) {
        guard case .expect(let quantity, let name, let value, let tolerance) = d.kind else { return }
        let actual: Tensor
        switch values.quantity(quantity, name.text) {
        case .failure(let e):
            var located = error(e.message, at: name, in: d)
            located.notes = e.notes
            throw located
        case .success(let t): actual = t
        }
        let stated = LessonNumber.parseTensor(value.text)!
        let what = quantity == .value ? name.text : "\(quantity.rawValue) \(name.text)"
        let shown = actual.rank == 0 ? LessonFormat.precise(actual.scalar) : LessonFormat.tensor(actual, digits: 8, maxItems: 8, maxRows: 8)
        guard stated.count == actual.count, stated.rank == actual.rank || stated.count == 1 else {
            throw error("expected \(what) to be \(value.text), but it has shape \(describeShape(actual.shape)): \(shown)", at: value, in: d)
        }
        let ok = zip(actual.scalars, stated.scalars).allSatisfy { LessonNumber.matches($0, $1, tolerance: tolerance) }
        if !ok {
            let tol = tolerance > 0 ? " ± \(LessonFormat.number(tolerance))" : ""
            throw error("expected \(what) = \(value.text)\(tol), but the engine computes \(shown)", at: value, in: d)
        }
    }

    private func expansionText(_ op: ChainRule.Operation) -> String {
        op.definition.text.expansion ?? op.symbol
    }

    private func leafLine(_ node: Node, _ value: Tensor, _ labels: NodeLabels) -> String {
        let text = LessonFormat.tensor(value)
        // A cut tensor already ends with its shape: never print it twice.
        let shape = node.shape.isEmpty || text.hasSuffix(describeShape(node.shape)) ? "" : "   " + describeShape(node.shape)
        return "\(labels[node.id]) = \(text)\(shape)"
    }

    // MARK: equations

    private func isSmall(_ t: Tensor) -> Bool { t.rank <= 1 && t.count <= 6 }

    private func forwardEquation(_ node: Node, _ values: [Tensor], _ labels: NodeLabels, hide: Bool) -> [String] {
        let op = node.operation!
        let y = values[node.id.index]
        let xs = node.inputs.map { values[$0.index] }
        let symbolic = "\(labels[node.id]) = \(NodeLabels.expression(op, node.inputs.map { labels[$0] }))"
        let section = sections.last!
        let result = hide ? "?" : LessonFormat.tensor(y, zeroBelow: section.valueZero(node.id))
        if xs.allSatisfy(isSmall) && isSmall(y) {
            let numeric = NodeLabels.expression(op, zip(node.inputs, xs).map { LessonFormat.tensor($1, zeroBelow: section.valueZero($0)) })
            return [symbolic + " = " + numeric + " = " + result]
        }
        let shapes = xs.map { describeShape($0.shape) }.joined(separator: " \(op.symbol) ") + " → " + describeShape(y.shape)
        // Name the kind of product once, with its shapes.
        let kind: String
        if op == .matmul { kind = "matrix product" }
        else if xs.count == 2 && op.targetOperands.isEmpty && xs[0].shape != xs[1].shape { kind = "broadcast" }
        else if xs.count == 2 && op.targetOperands.isEmpty { kind = "elementwise" }
        else { kind = "" }
        var lines = [symbolic + "      " + (kind.isEmpty ? "" : kind + ", ") + "shapes " + (node.inputs.count == 1 ? "\(op.symbol) " : "") + shapes]
        if op == .softmax, xs[0].rank == 1, !hide {
            lines.append("  each entry is exp(x_i) / Σ_j exp(x_j); the entries add up to \(LessonFormat.number(y.sum))")
        }
        lines.append("  = " + result)
        return lines
    }

    /// What a backward question asks for: the answer, a hint for a wrong
    /// answer, and the gradients the question step must not show (an
    /// upstream question hides the consumer's gradient from the table).
    private func askedQuantity(_ target: Directive.AskTarget, id: NodeID, records: [EdgeRecord], total: Tensor,
                               labels: NodeLabels, directive d: Directive) throws(LessonError) -> (Tensor, String, Set<NodeID>) {
        let out = labels.output!
        let e = records[0]
        let upstreamRule = "\(labels.partial(out, id)) = \(labels.partial(out, e.to)) · \(labels.partial(e.to, id))"
        switch target {
        case .value, .product:
            if records.count > 1 {
                return (total, "\(labels[id]) is used \(records.count) times: add the gradients that come back along each use", [])
            }
            let (rule, reason) = labels.localRule(of: e.to, operand: e.operand)
            // When the upstream gradient is the answer (the local derivative is 1), the table must not show it either.
            let upstreamIsAnswer = LessonFormat.tensor(e.upstream) == LessonFormat.tensor(total)
            return (total, "the chain rule: \(upstreamRule), upstream gradient × local derivative, where \(labels.partial(e.to, id)) = \(rule)"
                    + (reason.map { " (\($0))" } ?? ""), upstreamIsAnswer ? [e.to] : [])
        case .local, .upstream:
            guard records.count == 1 else {
                throw error("'\(labels[id])' is used \(records.count) times; ask 'product' (the summed gradient) for a node that fans out",
                            line: d.line, column: d.column)
            }
            if target == .upstream {
                return (e.upstream, "the upstream gradient \(labels.partial(out, e.to)) is the gradient of \(labels[e.to]), the node \(labels[id]) feeds", [e.to])
            }
            guard case .elementwise(let local) = e.local else {
                throw error("the local derivative of \(labels[e.to]) is a rule, not one number per element; ask 'product' instead",
                            line: d.line, column: d.column)
            }
            let (rule, reason) = labels.localRule(of: e.to, operand: e.operand)
            _ = rule
            return (local, "how much does \(labels[e.to]) change when \(labels[id]) changes by a little?" + (reason.map { " (\($0))" } ?? ""), [])
        }
    }

    private func backwardEquations(_ id: NodeID, _ records: [EdgeRecord], _ total: Tensor, _ labels: NodeLabels,
                                   ask: Directive.AskTarget?) -> ([BackwardTerm], [String]) {
        let section = sections.last!
        let lhs = labels.partial(labels.output!, id)
        var terms: [BackwardTerm] = []
        var lines: [String] = []
        for (k, e) in records.enumerated() {
            let term = backwardTerm(e, of: id, use: k, of: records.count, lhs: lhs, labels, ask: ask)
            terms.append(term)
            lines.append(contentsOf: term.lines)
        }
        if records.count > 1 {
            let parts = records.map { LessonFormat.tensor($0.contribution, zeroBelow: section.edgeZero($0)) }.joined(separator: " + ")
            lines.append("\(lhs) = " + parts + " = " + (ask != nil ? "?" : LessonFormat.tensor(total, zeroBelow: section.gradientZero(id)))
                         + "   (fan-out: the gradients of every use add up)")
        }
        return (terms, lines)
    }

    /// The pieces of one term's equation (one use of a node), with what a question hides.
    private struct TermText {
        let rule: String
        let reason: String?
        /// The use is the output itself: the chain has one factor.
        let fromSeed: Bool
        /// `∂L/∂price` and `∂price/∂apple`.
        let dUp: String, dLocal: String
        /// `∂L/∂price · ∂price/∂apple` (just the local factor from the seed).
        let symbolic: String
        /// `∂L/∂apple = ` or, for one of several uses, `use 2 (via price): `.
        let prefix: String
        /// `symbolic = `, empty from the seed.
        let chain: String
        /// The product, as shown when nothing is hidden.
        let contributionText: String
        /// The product is hidden (`?`) by a question.
        let hideProduct: Bool
        let contribution: String
        let hideUpstream: Bool
        /// The upstream gradient (or `?`).
        let up: String
    }

    /// One term of a backward step: upstream × local = contribution, in symbols and numbers.
    private func backwardTerm(_ e: EdgeRecord, of id: NodeID, use k: Int, of count: Int, lhs: String, _ labels: NodeLabels,
                              ask: Directive.AskTarget?) -> BackwardTerm {
        let section = sections.last!
        let out = labels.output!
        let many = count > 1
        let (rule, reason) = labels.localRule(of: e.to, operand: e.operand)
        let fromSeed = e.to == out
        let dUp = labels.partial(out, e.to)
        let dLocal = labels.partial(e.to, id)
        // From the seed the chain has one factor: ∂total/∂tax = 1 × 200, never ∂total/∂total · ∂total/∂tax.
        let symbolic = fromSeed ? dLocal : "\(dUp) · \(dLocal)"
        let contributionText = LessonFormat.tensor(e.contribution, maxItems: e.contribution.rank == 2 ? 5 : 6, maxRows: 4,
                                                   zeroBelow: section.edgeZero(e))
        // A question hides what it asks, and any factor that shows the same number.
        let hideProduct = ask != nil && (!many || ask != .product)
        let upShown = LessonFormat.tensor(e.upstream, zeroBelow: section.gradientZero(e.to))
        let hideUpstream = ask == .upstream || (hideProduct && upShown == contributionText)
        let t = TermText(rule: rule, reason: reason, fromSeed: fromSeed, dUp: dUp, dLocal: dLocal, symbolic: symbolic,
                         prefix: many ? "use \(k + 1) (via \(labels[e.to])): " : "\(lhs) = ",
                         chain: fromSeed ? "" : symbolic + " = ", contributionText: contributionText,
                         hideProduct: hideProduct, contribution: hideProduct ? "?" : contributionText,
                         hideUpstream: hideUpstream, up: hideUpstream ? "?" : upShown)
        let lines: [String]
        switch e.local {
        case .elementwise(let local): lines = elementwiseTermLines(e, local, t, labels, ask: ask)
        case .rule: lines = ruleTermLines(e, t, labels)
        }
        return BackwardTerm(edge: e, symbolic: symbolic, localRule: rule, reason: reason, lines: lines)
    }

    /// A term whose local derivative is one number per element: scalar × scalar,
    /// scalar × tensor, or upstream ⊙ local; then any broadcast sum and the local rule.
    private func elementwiseTermLines(_ e: EdgeRecord, _ local: Tensor, _ t: TermText, _ labels: NodeLabels,
                                      ask: Directive.AskTarget?) -> [String] {
        let section = sections.last!
        var lines: [String] = []
        let localShown = LessonFormat.tensor(local)
        let hideLocal = ask == .local || (t.hideProduct && localShown == t.contributionText)
        let localText = hideLocal ? "?" : localShown
        if local.count == 1 && e.upstream.count == 1 {
            lines.append(t.prefix + t.chain + t.up + " × " + localText + " = " + t.contribution)
        } else if e.upstream.count == 1 {
            // A scalar upstream stays a scalar: it scales the local derivative.
            let what = "      scalar × tensor, shapes () × \(describeShape(local.shape))"
            if t.fromSeed {
                lines.append(t.prefix + t.up + " × " + t.rule + what)
            } else {
                lines.append(t.prefix + t.symbolic + what)
                lines.append("    = " + t.up + " × " + localText)
            }
            lines.append(contentsOf: reduced(e, contribution: t.contribution))
        } else {
            // Elementwise: upstream ⊙ local in the output's shape, then any broadcast sum.
            let shown = local.count == 1 ? e.upstream : upstream(e, spreadTo: local.shape, labels)
            let operator_ = local.count == 1 ? " × " : " ⊙ "
            let what = local.count == 1 ? "tensor × scalar, shapes \(describeShape(shown.shape)) × ()"
                                        : "elementwise product, shapes \(describeShape(shown.shape)) ⊙ \(describeShape(local.shape))"
            lines.append(t.prefix + (t.fromSeed ? "" : "\(t.dUp)\(operator_)\(t.dLocal)      ") + what)
            lines.append("    = " + (t.hideUpstream ? "?" : LessonFormat.tensor(shown, zeroBelow: section.gradientZero(e.to))) + operator_ + localText)
            lines.append(contentsOf: reduced(e, contribution: t.contribution))
        }
        var ruleText = "    local derivative \(t.dLocal) = \(t.rule)"
        if local.count == 1, !hideLocal, t.rule != localShown {
            ruleText += " = " + LessonFormat.tensor(local.rank == 0 ? local : Tensor(local.scalars[0]))
        }
        lines.append(ruleText + (t.reason.map { "   (\($0))" } ?? ""))
        return lines
    }

    /// The upstream gradient in the shape of the local derivative: broadcast,
    /// or, under a sum or mean along an axis, copied back along that axis.
    private func upstream(_ e: EdgeRecord, spreadTo shape: [Int], _ labels: NodeLabels) -> Tensor {
        var g = e.upstream
        switch labels.graph[e.to].operation {
        case .sum(let axis?, false)?, .mean(let axis?)?:
            var kept = g.shape
            kept.insert(1, at: min(axis, kept.count))
            g = Tensor(shape: kept, scalars: g.scalars)
        default: break
        }
        return Broadcasting.expand(g, to: shape)
    }

    /// A term whose local derivative is a rule (a matrix product, softmax's Jacobian, …).
    private func ruleTermLines(_ e: EdgeRecord, _ t: TermText, _ labels: NodeLabels) -> [String] {
        let node = labels.graph[e.to]
        var lines: [String] = []
        switch node.operation {
        case .matmul?:
            let a = labels.graph[node.inputs[0]].shape, b = labels.graph[node.inputs[1]].shape
            let g = describeShape(e.upstream.shape)
            let shapes = e.operand == 0
                ? "\(g) · \(describeShape(b.reversed())) → \(describeShape(a))"
                : "\(describeShape(a.reversed())) · \(g) → \(describeShape(b))"
            lines.append(t.prefix + t.rule + "      matrix product, shapes " + shapes)
            lines.append("    = " + t.contribution)
            if let reason = t.reason { lines.append("    (\(reason))") }
        case .softmax?:
            lines.append(t.prefix + "Jᵀ · \(t.dUp),   \(t.rule)")
            lines.append(contentsOf: softmaxJacobianLines(e, t))
            lines.append("    = " + t.contribution)
            if let reason = t.reason { lines.append("    (\(reason))") }
        default:
            lines.append(t.prefix + t.rule)
            lines.append("    = " + t.contribution)
        }
        return lines
    }

    /// Softmax's Jacobian J = diag(y) − y yᵀ written out for a short vector, else in words.
    private func softmaxJacobianLines(_ e: EdgeRecord, _ t: TermText) -> [String] {
        let y = sections.last!.forward.value(of: e.to)
        guard y.rank == 1 && y.count <= 6 else {
            return ["    one Jacobian per row; in practice y ⊙ (G − Σ(G ⊙ y) along the row)"]
        }
        let n = y.count
        var j = [Double](repeating: 0, count: n * n)
        for r in 0..<n { for c in 0..<n { j[r * n + c] = (r == c ? y.scalars[r] : 0) - y.scalars[r] * y.scalars[c] } }
        let jt = Tensor(shape: [n, n], scalars: j)
        return ["    J = " + LessonFormat.tensor(jt, digits: 3, maxRows: n), "    \(t.dUp) = " + t.up]
    }

    /// The lines after the product: the broadcast sum, if any, then the result.
    private func reduced(_ e: EdgeRecord, contribution: String) -> [String] {
        guard let r = e.reduction else { return ["    = " + contribution] }
        let axes = r.summedAxes.map(String.init).joined(separator: ", ")
        return ["    = Σ over axis \(axes)      broadcast: summed back, shapes \(describeShape(r.fromShape)) → \(describeShape(r.toShape))",
                "    = " + contribution + "   (the value was broadcast, so its gradient is summed back)"]
    }

    private func valuesOf(_ id: NodeID, _ labels: NodeLabels) -> Tensor {
        sections.last!.forward.value(of: id)
    }

    // MARK: check

    private func check(_ graph: Graph, output: NodeID, leaves: [NodeID], step: Double?, labels: NodeLabels,
                       directive d: Directive) throws(LessonError) -> ([CheckRow], [String]) {
        let pass = sections.last!.backward
        var rows: [CheckRow] = []
        for leaf in leaves {
            let numeric: Tensor
            do {
                numeric = try GradientCheck.numericalGradient(of: output, withRespectTo: leaf, in: graph, step: step ?? GradientCheck.defaultStep)
            } catch {
                throw self.error("gradient check failed: \(error.message)", line: d.line, column: d.column)
            }
            let c = GradientCheck.compare(leaf: leaf, backprop: pass.gradient(of: leaf)!, numerical: numeric)
            rows.append(CheckRow(node: leaf, name: labels[leaf], backprop: c.backprop, numerical: c.numerical,
                                 maxAbsoluteError: c.maxAbsoluteError, passed: c.passed))
        }
        let scalarRows = rows.allSatisfy { $0.backprop.rank == 0 }
        var table: [String] = []
        if scalarRows {
            let w = max(4, rows.map(\.name.count).max() ?? 4)
            table.append("\(pad("leaf", w))  \(pad("backprop", 20))  \(pad("numerical", 20))  |difference|")
            for r in rows {
                table.append("\(pad(r.name, w))  \(pad(LessonFormat.precise(r.backprop.scalar), 20))  \(pad(LessonFormat.precise(r.numerical.scalar), 20))  \(scientific(r.maxAbsoluteError, digits: 2))\(r.passed ? "" : "  MISMATCH")")
            }
        } else {
            let w = max(9, rows.map(\.name.count).max() ?? 4)
            table.append("\(pad("parameter", w))  shape      max |backprop − numerical|")
            for r in rows {
                table.append("\(pad(r.name, w))  \(pad(describeShape(r.backprop.shape), 9))  \(scientific(r.maxAbsoluteError, digits: 4))\(r.passed ? "" : "  MISMATCH")")
            }
        }
        table.append(rows.allSatisfy(\.passed) ? "every gradient agrees with its numerical estimate"
                                               : "some gradients disagree with their numerical estimates")
        return (rows, table)
    }

    /// An error size in the one number format: `3.2e−10`, `0.5`, `0`.
    private func scientific(_ x: Double, digits: Int) -> String {
        NumberFormat(significantDigits: digits).string(x)
    }

    private func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }

    // MARK: train

    private func trainingPlan(_ d: Directive, params: [Directive.Word], options: [String: Directive.Word], graph: Graph,
                              output: NodeID, x: NodeID, t: NodeID,
                              lookup: (Directive.Word, Directive) throws(LessonError) -> NodeID) throws(LessonError) -> TrainingPlan {
        var parameters: [NodeID] = []
        for w in params {
            let id = try lookup(w, d)
            guard graph[id].kind == .leaf else { throw error("'\(w.text)' is not a leaf; only inputs can be trained", at: w, in: d) }
            guard id != x && id != t else { throw error("'\(w.text)' holds the data; train the weights and biases instead", at: w, in: d) }
            parameters.append(id)
        }
        func int(_ key: String, _ def: Int) throws(LessonError) -> Int {
            guard let w = options[key] else { return def }
            guard let v = Int(w.text), v > 0 else { throw error("expected a positive whole number for \(key)", at: w, in: d) }
            return v
        }
        let batch = try int("batch", 100)
        var lr = 0.1
        if let w = options["lr"] {
            guard let v = Double(w.text), v > 0, v.isFinite else { throw error("expected a positive learning rate, e.g. lr=0.1", at: w, in: d) }
            lr = v
        }
        let dataset = self.dataset!
        var iterations = try int("iterations", 1000)
        if options["epochs"] != nil {
            let epochs = try int("epochs", 1)
            iterations = max(1, epochs * dataset.train.count / max(batch, 1))
        }
        let report = try int("report", max(iterations / 10, 1))
        let seed = UInt64(try int("seed", 1))
        var scores: NodeID
        if let w = options["scores"] {
            scores = try lookup(w, d)
        } else {
            guard let op = graph[output].operation, op == .crossEntropy || op == .softmaxCrossEntropy else {
                throw error("cannot tell which node holds the class scores; add scores=NAME", line: d.line, column: d.column)
            }
            scores = graph[output].inputs[0]
        }
        guard graph[scores].shape.count == 2 else {
            throw error("the scores node must have one row per example", at: options["scores"] ?? d.keywordWord, in: d)
        }
        let curve = options["curve"]?.text
        if let c = options["curve"], c.text.contains("/") || !c.text.hasSuffix(".svg") {
            throw error("curve= takes a file name ending in .svg (written into Output/)", at: c, in: d)
        }
        return TrainingPlan(graph: graph, loss: output, scores: scores, features: x, labels: t, parameters: parameters,
                            dataset: dataset, batchSize: batch, learningRate: lr, iterations: iterations,
                            reportEvery: report, seed: seed, curveFileName: curve)
    }
}

extension Directive {
    var keywordWord: Word { Word(text: keyword, column: column) }
}
