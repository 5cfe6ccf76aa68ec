import ChainRule
@testable import GraphScript
import Testing

/// Compiles `source`, failing the test on a diagnostic.
func compile(_ source: String, file: String = "test.graph", firstLine: Int = 1) throws -> Script {
    try ScriptCompiler.compile(source, fileName: file, firstLine: firstLine)
}

/// The diagnostic `source` produces (or `nil` when it compiles and evaluates).
func diagnostic(_ source: String, file: String = "t.graph", firstLine: Int = 1) -> Diagnostic? {
    diagnostic(bytes: Array(source.utf8), file: file, firstLine: firstLine)
}

func diagnostic(bytes: [UInt8], file: String = "t.graph", firstLine: Int = 1) -> Diagnostic? {
    do {
        let script = try ScriptCompiler.compile(bytes, fileName: file, firstLine: firstLine)
        _ = try script.evaluate()
        return nil
    } catch {
        return error
    }
}

/// Every token of `source` as text (`<nl>` for a line break).
func tokens(_ source: String) throws -> [String] {
    var lexer = Lexer(source: SourceText(bytes: Array(source.utf8), fileName: "t", firstLine: 1))
    var out: [String] = []
    while true {
        let token = try lexer.next()
        switch token.kind {
        case .end: return out
        case .newline: out.append("<nl>")
        case .number: out.append("#\(token.number)")
        default: out.append(lexer.source.text(of: token))
        }
    }
}

/// The first statement's right side as an S-expression: `(+ a (* b c))`.
func tree(_ source: String) throws -> String {
    var parser = try Parser(source: SourceText(bytes: Array(source.utf8), fileName: "t", firstLine: 1),
                            maxNestingDepth: 1000, maxNodes: 1000)
    guard let statement = try parser.nextStatement() else { return "<none>" }
    switch statement.rightSide {
    case .number(let v): return "leaf \(v)"
    case .array(let t): return "leaf \(t.shape)"
    case .expression(let tree):
        // Post-order: rebuild the strings front to back.
        var text: [String] = []
        for node in tree.nodes {
            switch node.kind {
            case .number(let v): text.append(v == v.rounded() ? String(Int(v)) : String(v))
            case .name(let n): text.append(n)
            case .negate(let x): text.append("(neg \(text[x]))")
            case .binary(let op, let a, let b):
                let symbol = ["add": "+", "subtract": "-", "multiply": "*", "divide": "/", "matmul": "@", "power": "^"]["\(op)"]!
                text.append("(\(symbol) \(text[a]) \(text[b]))")
            case .call(let f, let args):
                let parts = args.map { ($0.keyword.map { $0 + "=" } ?? "") + text[$0.value] }
                text.append("(\(f) \(parts.joined(separator: " ")))")
            case .index(let x, let indices, _):
                text.append("(index \(text[x]) \(indices.map(String.init).joined(separator: " ")))")
            }
        }
        return text[tree.root]
    }
}

/// Values of a scalar name after evaluation.
func scalar(_ script: Script, _ pass: Backward, _ name: String) -> Double {
    pass.forward.value(of: script.node(named: name)!).scalar
}

func gradient(_ script: Script, _ pass: Backward, _ name: String) -> Tensor? {
    pass.gradient(of: script.node(named: name)!)
}
