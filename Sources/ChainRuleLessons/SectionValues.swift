import ChainRule
import ChainRuleSupport

/// The numbers of one evaluated graph section that a lesson's text can
/// name: values, gradients, and gradient-check differences.
struct SectionValues {
    let graph: Graph
    let backward: Backward
    let output: NodeID
    /// The central-difference step a `> check` of this section uses for a leaf.
    let checkStep: (NodeID) -> Double

    func node(_ name: String) -> NodeID? { graph.node(named: name) }

    func value(_ id: NodeID) -> Tensor { backward.forward.value(of: id) }

    func gradient(_ id: NodeID) -> Tensor? { backward.gradient(of: id) }

    /// max |backprop − numerical| for a leaf, with the section's check step.
    func checkDifference(_ id: NodeID) -> Double? {
        guard graph[id].kind == .leaf, let analytic = backward.gradient(of: id),
              let numeric = try? GradientCheck.numericalGradient(of: output, withRespectTo: id, in: graph, step: checkStep(id))
        else { return nil }
        var worst = 0.0
        for (a, n) in zip(analytic.scalars, numeric.scalars) { worst = max(worst, abs(a - n)) }
        return worst
    }

    /// The number a quantity names, or a message saying why there is none.
    func quantity(_ kind: Directive.ExpectQuantity, _ name: String) -> Result<Tensor, SectionValueError> {
        guard let id = node(name) else {
            let names = graph.nodes.compactMap(\.name)
            return .failure(SectionValueError(message: "no node named '\(name)' in the graph of this step",
                                              notes: Suggestion.note(for: name, in: names).map { [$0] } ?? []))
        }
        switch kind {
        case .value: return .success(value(id))
        case .grad:
            guard let g = gradient(id) else { return .failure(SectionValueError(message: "'\(name)' is a target or data: it has no gradient")) }
            return .success(g)
        case .check:
            guard graph[id].kind == .leaf else { return .failure(SectionValueError(message: "'\(name)' is not an input; a gradient check varies inputs")) }
            guard let d = checkDifference(id) else { return .failure(SectionValueError(message: "no numerical gradient for '\(name)'")) }
            return .success(Tensor(d))
        }
    }
}

/// Why a quantity has no value: the message, and its `note:` lines ("did you mean").
struct SectionValueError: Error {
    let message: String
    var notes: [String] = []
}

/// `{{NAME}}`, `{{grad NAME}}`, `{{check NAME}}`, each optionally with
/// `:DIGITS` (significant digits), replaced by the engine's numbers in the
/// standard number format.
enum Interpolation {
    /// The text with every `{{…}}` replaced; `fail` gets a message and the
    /// character offset of the offending `{{`.
    static func apply(_ text: String, values: SectionValues,
                      fail: (String, Int) -> LessonError) throws(LessonError) -> String {
        guard text.contains("{{") else { return text }
        let chars = Array(text)
        var out = ""
        var k = 0
        while k < chars.count {
            if chars[k] == "{", k + 1 < chars.count, chars[k + 1] == "{" {
                var j = k + 2
                while j + 1 < chars.count, !(chars[j] == "}" && chars[j + 1] == "}"), chars[j] != "\n" { j += 1 }
                guard j + 1 < chars.count, chars[j] == "}", chars[j + 1] == "}" else {
                    throw fail("unterminated '{{': write {{NAME}}, {{grad NAME}} or {{check NAME}}", k)
                }
                let inside = String(chars[(k + 2)..<j])
                out += try render(inside, values: values) { message, notes throws(LessonError) in
                    var error = fail(message, k)
                    error.notes = notes
                    throw error
                }
                k = j + 2
                continue
            }
            out.append(chars[k])
            k += 1
        }
        return out
    }

    static func render(_ inside: String, values: SectionValues,
                       fail: (String, [String]) throws(LessonError) -> Never) throws(LessonError) -> String {
        var body = String(inside.trimmingWhitespace())
        var digits: Int?
        if let colon = body.lastIndex(of: ":") {
            guard let d = Int(body[body.index(after: colon)...].trimmingWhitespace()), (1...17).contains(d) else {
                try fail("expected significant digits (1 to 17) after ':', as in {{r:4}}", [])
            }
            digits = d
            body = String(body[..<colon].trimmingWhitespace())
        }
        let words = body.split(separator: " ").map(String.init)
        var kind = Directive.ExpectQuantity.value
        var name: String
        switch words.count {
        case 1: name = words[0]
        case 2:
            guard let k = Directive.ExpectQuantity(rawValue: words[0]) else {
                try fail("expected {{NAME}}, {{grad NAME}} or {{check NAME}}, found '{{\(inside)}}'", [])
            }
            kind = k
            name = words[1]
        default: try fail("expected {{NAME}}, {{grad NAME}} or {{check NAME}}, found '{{\(inside)}}'", [])
        }
        switch values.quantity(kind, name) {
        case .failure(let e): try fail(e.message, e.notes)
        case .success(let t):
            if t.rank == 0 { return LessonFormat.number(t.scalar, digits: digits ?? (kind == .check ? 2 : 6)) }
            return LessonFormat.tensor(t, digits: digits ?? 4)
        }
    }
}
