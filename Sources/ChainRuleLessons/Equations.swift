import ChainRule

/// Display names and chain-rule text for the nodes of one graph.
///
/// Named nodes use their names; a constant is its value; an unnamed
/// operation is its expression (`x×w`, `Σ(x×w)`) or, when that is long, `v7`.
package struct NodeLabels: Sendable {
    package let labels: [String]
    let graph: Graph

    package init(graph: Graph, values: [Tensor]? = nil) {
        self.graph = graph
        self.labels = graph.displayLabels(number: { LessonFormat.number($0) })
    }

    package subscript(id: NodeID) -> String { labels[id.index] }

    /// `∂L/∂x`, parenthesising composite labels: `∂L/∂(x×w)`.
    package func partial(_ of: NodeID, _ wrt: NodeID) -> String {
        "∂" + NodeLabels.wrap(labels[of.index]) + "/∂" + NodeLabels.wrap(labels[wrt.index])
    }

    /// `true` when `s` has no operator outside parentheses or brackets
    /// (`x`, `exp(a)`, `[1, 2]`), so it needs no parentheses as an operand.
    static func isSimple(_ s: String) -> Bool { isSimpleLabel(s) }

    package static func wrap(_ s: String) -> String { wrapLabel(s) }

    /// The operation applied to operand labels: `apple × n`, `exp(a)`, `Σ(x×w)`,
    /// as the operation's definition writes it (`OperationText.expression`).
    package static func expression(_ op: ChainRule.Operation, _ x: [String], compact: Bool = false) -> String {
        op.displayExpression(x, number: { LessonFormat.number($0) }, compact: compact)
    }

    /// `∂y/∂x` for operand `k` of node `y`, in words of the labels, and a
    /// short reason a learner can remember.
    package func localRule(of node: NodeID, operand k: Int) -> (rule: String, reason: String?) {
        let n = graph[node]
        guard let op = n.operation else { return ("1", nil) }
        let x = n.inputs.map { labels[$0.index] }
        if op == .mul, graph[n.inputs[1 - k]].kind == .constant {
            return (x[1 - k], "multiplying by a constant scales the gradient by it")
        }
        // The rule as the operation's definition words it, with this graph's labels.
        let text = op.definition.text
        let filled = TextLabels(operands: x, output: labels[node.index], upstream: partial(output ?? node, node),
                                number: { LessonFormat.number($0) })
        let local = text.local(k)
        return (text.fill(local.rule, filled), local.reason)
    }

    /// The node whose gradient the lesson follows (set per section).
    var output: NodeID?

    func with(output: NodeID) -> NodeLabels {
        var copy = self
        copy.output = output
        return copy
    }
}
