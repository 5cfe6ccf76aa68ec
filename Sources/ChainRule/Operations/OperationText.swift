/// An operation's rule in words, written once in its definition and filled
/// in with labels by equations (`∂L/∂x = 1 − y²`) and the explain view.
///
/// Templates name their parts in braces:
///
/// | placeholder | filled with |
/// |---|---|
/// | `{a}`, `{b}` | operand 0 and 1, parenthesised when composite (`(x+w)`) |
/// | `{a!}`, `{b!}` | operand 0 and 1 as they are |
/// | `{y}` | the output, parenthesised when composite |
/// | `{G}` | the upstream gradient `∂L/∂y` |
/// | `{p}`, `{p-1}` | the operation's number parameter (an exponent, a slope), and it minus 1 |
package struct OperationText: Sendable, Hashable {
    /// What the operation is called, in words: "hyperbolic tangent".
    package let title: String
    /// The forward formula: `y = tanh(x)`.
    package let forward: String
    /// The expression an equation writes for the output, e.g. `σ({a!})`.
    /// `nil` means `name(operands)`; an `infix` operator writes `{a} + {b}`.
    package let expression: String?
    /// For an infix operator, its symbol in equations (`×`).
    package let infix: String?
    /// Per operand, the local derivative `∂y/∂operand` and a reason to remember.
    /// One entry serves every operand.
    package let locals: [LocalText]
    /// For a fused operation: the chain of primitives it expands into.
    package let expansion: String?
    /// The number that `{p}` stands for.
    package let parameter: Double?

    init(_ title: String, forward: String, expression: String? = nil, infix: String? = nil,
         local: [LocalText], expansion: String? = nil, parameter: Double? = nil) {
        self.title = title
        self.forward = forward
        self.expression = expression
        self.infix = infix
        self.locals = local
        self.expansion = expansion
        self.parameter = parameter
    }

    /// The local-derivative text of operand `k`.
    package func local(_ k: Int) -> LocalText { locals[min(k, locals.count - 1)] }
}

/// One operand's local derivative as a template, and a short reason.
package struct LocalText: Sendable, Hashable {
    package let rule: String
    package let reason: String?
    init(_ rule: String, _ reason: String? = nil) {
        self.rule = rule
        self.reason = reason
    }
}

/// The labels a template is filled with.
package struct TextLabels: Sendable {
    package var operands: [String]
    package var output: String
    package var upstream: String
    /// Formats `{p}` (the lessons' number format, say).
    package var number: @Sendable (Double) -> String
    package init(operands: [String], output: String, upstream: String = "G",
                number: @escaping @Sendable (Double) -> String = { "\($0)" }) {
        self.operands = operands
        self.output = output
        self.upstream = upstream
        self.number = number
    }
}

extension OperationText {
    /// Fills a template's placeholders; `A = A` collapses to `A`.
    package func fill(_ template: String, _ labels: TextLabels) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let key = rest[rest.index(after: open)..<close]
            out += value(of: key, labels) ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        let sides = out.split(separator: " = ", omittingEmptySubsequences: false)
        return sides.count == 2 && sides[0] == sides[1] ? String(sides[0]) : out
    }

    private func value(of key: Substring, _ labels: TextLabels) -> String? {
        func operand(_ k: Int) -> String { k < labels.operands.count ? labels.operands[k] : "?" }
        switch key {
        case "a": return wrapLabel(operand(0))
        case "b": return wrapLabel(operand(1))
        case "a!": return operand(0)
        case "b!": return operand(1)
        case "y": return wrapLabel(labels.output)
        case "G": return labels.upstream
        case "p": return parameter.map(labels.number)
        case "p-1": return parameter.map { labels.number($0 - 1) }
        default: return nil
        }
    }

    /// The output's expression from operand labels: `apple × n`, `σ(z)`;
    /// `compact` drops the spaces around an infix operator (`x×w`).
    package func expression(_ name: String, _ labels: TextLabels, compact: Bool = false) -> String {
        if let infix {
            let space = compact ? "" : " "
            return wrapLabel(labels.operands[0]) + space + infix + space + wrapLabel(labels.operands[1])
        }
        if let expression { return fill(expression, labels) }
        return name + "(" + labels.operands.joined(separator: ", ") + ")"
    }
}

/// `true` when `s` has no operator outside parentheses or brackets
/// (`x`, `exp(a)`, `[1, 2]`), so it needs no parentheses as an operand.
package func isSimpleLabel(_ s: String) -> Bool {
    var depth = 0
    let chars = Array(s)
    for (i, c) in chars.enumerated() {
        switch c {
        case "(", "[": depth += 1
        case ")", "]": depth -= 1
        case "+", "−", "×", "÷", "@", " ", "/", "^", "·", "=": if depth == 0 { return false }
        case "-": if depth == 0 && (i == 0 || chars[i - 1] != "e") { return false }
        default: break
        }
    }
    return true
}

/// `s`, parenthesised unless it is simple (`isSimpleLabel`).
package func wrapLabel(_ s: String) -> String { isSimpleLabel(s) ? s : "(" + s + ")" }

/// What the player's explain view shows for an operation: its name, its
/// forward formula and its local derivative(s), from the operation's definition.
public struct Explanation: Sendable, Hashable {
    /// "tanh — hyperbolic tangent".
    public let title: String
    /// "y = tanh(x)".
    public let forward: String
    /// One line per operand: "local derivative ∂y/∂x = 1 − y²", with its reason if any.
    public let localDerivatives: [String]
    /// For a fused operation, the primitives it expands into.
    public let expansion: String?

    /// Everything as lines of text.
    public var lines: [String] {
        [title, "forward: " + forward] + localDerivatives + (expansion.map { ["expands to: " + $0] } ?? [])
    }
}

extension OperationDefinition {
    /// The explain view's text, with generic names: `x` (or `a`, `b`) for the
    /// operands, `y` for the output, `G` for the upstream gradient.
    package var explanation: Explanation {
        let names = arity == 1 ? ["x"] : ["a", "b"]
        let labels = TextLabels(operands: names, output: "y", upstream: "G", number: formatParameter)
        var lines: [String] = []
        for k in 0..<arity where k != target {
            let local = text.local(k)
            var line = "local derivative ∂y/∂\(names[k]) = " + text.fill(local.rule, labels)
            if let reason = local.reason { line += " — " + reason }
            lines.append(line)
        }
        if let target { lines.append("\(names[target]) is a target: no gradient flows into it") }
        let form = call?.signature ?? text.expression(name, labels)
        return Explanation(title: "\(form) — \(text.title)", forward: text.fill(text.forward, labels),
                           localDerivatives: lines, expansion: text.expansion)
    }
}

/// A parameter as the explain view writes it: `2`, `0.01`.
@Sendable func formatParameter(_ p: Double) -> String {
    if p == p.rounded() && Swift.abs(p) < 1e15 { return String(Int(p)) }
    // Swift writes 1e-07; a reader writes 1e-7.
    return String(p).replacing("e-0", with: "e-")
}
