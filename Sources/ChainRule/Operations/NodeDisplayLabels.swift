/// Display names for a graph's nodes, the ones the lessons' equations and the
/// figures' local-derivative captions (`--local`) write: a named node is its
/// name, a scalar constant its value, an unnamed operation its expression
/// (`x×w`, `Σ(x×w)`, `exp(−x)`) when that is short, else `u1`, `u2`, …
extension Graph {
    /// Every node's display name, in node order; `number` writes constants.
    package func displayLabels(number: @escaping @Sendable (Double) -> String) -> [String] {
        var labels: [String] = []
        labels.reserveCapacity(nodes.count)
        var unnamed = 0
        for node in nodes {
            if let name = node.name { labels.append(name); continue }
            switch node.kind {
            case .leaf: labels.append("v\(node.id.index)")
            case .constant:
                let v = initialValues[node.id.index]!
                labels.append(v.rank == 0 ? number(v.scalar) : "const\(node.id.index)")
            case .operation(let op):
                let expression = op.displayExpression(node.inputs.map { labels[$0.index] }, number: number, compact: true)
                if expression.count <= 10 {
                    labels.append(expression)
                } else {
                    unnamed += 1
                    labels.append("u\(unnamed)")
                }
            }
        }
        return labels
    }
}

extension Operation {
    /// The operation applied to operand labels: `apple × n`, `exp(a)`, `Σ(x×w)`,
    /// as its definition writes it (`OperationText.expression`); `compact`
    /// drops the spaces around an infix operator.
    package func displayExpression(_ x: [String], number: @escaping @Sendable (Double) -> String,
                                   compact: Bool = false) -> String {
        if self == .mul, x[1] == "-1" || x[1] == "−1" {
            // A product with the constant −1 (an expanded sigmoid) reads as a negation.
            return compact ? "−" + wrapLabel(x[0]) : wrapLabel(x[0]) + " × (−1)"
        }
        let definition = self.definition
        return definition.text.expression(definition.name, TextLabels(operands: x, output: "", number: number),
                                          compact: compact)
    }
}
