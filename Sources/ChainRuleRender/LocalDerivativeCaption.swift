import ChainRule

/// `--local`: beside an edge's gradient, the local derivative it was
/// multiplied by, CS231n style: `∂price/∂apple = n = 2`, `∂Y/∂A = 2·A`,
/// `∂y/∂z = J = diag(y) − y·yᵀ`. A rule that acts on the upstream gradient
/// rather than multiplying it (a matrix product, a transpose, a reshape)
/// is written as the gradient it gives: `∂L/∂W = Xᵀ · ∂L/∂A`.
///
/// The words come from the operation's definition (`OperationText`, the
/// same text as the lessons' equations and the player's explain view), filled
/// with this graph's labels (`Graph.displayLabels`); the number, when the
/// local derivative is one number (a scalar edge, or `1` for every element
/// of a sum), is the engine's.
struct LocalDerivativeCaption: Sendable, Hashable {
    /// The rule in words: `∂price/∂apple = n`.
    let rule: String
    /// ` = 2` when the local derivative is one number not already written.
    let number: String?

    /// The caption in full.
    var text: String { rule + (number ?? "") }

    /// The caption of the edge carrying operand `edge.operand` into `edge.to`,
    /// or `nil` for a value edge, a target or a data leaf (no gradient).
    init?(_ edge: FigureEdge, in figure: Figure, labels: [String]) {
        guard let to = edge.to, let record = figure.records[edge], let op = figure.graph[to].operation else { return nil }
        let definition = op.definition
        let output = labels[to.index], operand = labels[edge.from.index]
        let lossName = labels[figure.output.index]
        let upstream = "∂" + wrapLabel(lossName) + "/∂" + wrapLabel(output)
        let format = figure.options.numberFormat
        let text = definition.text
        let filled = TextLabels(operands: figure.graph[to].inputs.map { labels[$0.index] }, output: output,
                                upstream: upstream, number: { format.string($0) })
        let local = text.local(edge.operand).rule
        let words = text.fill(local, filled)
        if local.contains("{G}") {
            // The rule acts on the upstream gradient: say what it gives.
            rule = "∂" + wrapLabel(lossName) + "/∂" + wrapLabel(operand) + " = " + words
            number = nil
            return
        }
        rule = "∂" + wrapLabel(output) + "/∂" + wrapLabel(operand) + " = " + words
        guard case .elementwise(let l) = record.local, let first = l.scalars.first,
              l.scalars.allSatisfy({ $0 == first }) else {
            number = nil
            return
        }
        let value = (first < 0 ? format.minus : "") + format.string(Swift.abs(first))
        number = words == value || words.hasSuffix(" = " + value) ? nil : " = " + value
    }

    /// `text` in lines no wider than `width` points at `size` (estimated,
    /// `TextWidth`), broken at spaces; a word wider than that gets a line of its own.
    static func wrap(_ text: String, width: Double, size: Double) -> [String] {
        guard TextWidth.estimate(text, size: size) > width else { return [text] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if line.isEmpty || TextWidth.estimate(candidate, size: size) <= width {
                line = candidate
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
