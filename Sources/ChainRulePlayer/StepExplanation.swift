import ChainRule
import ChainRuleLessons

/// The text of the player's `e` key: the operation of the step on screen —
/// its name, its forward formula and its local derivative for each operand.
///
/// The words come from the operation's definition (`Operation.definition`:
/// its explanation and rule text, kept beside the forward and backward code),
/// never from a second copy; the step's equations fill the same templates.
public enum StepExplanation {
    /// The explain view's lines for step `index` of `lesson`: its operation in words.
    public static func lines(_ lesson: Lesson, step index: Int) -> [String] {
        let step = lesson.steps[index]
        guard let s = step.section else {
            return ["explain", "", "This step has no operation to explain (it is \(describe(step.kind)))."]
        }
        let section = lesson.sections[s]
        // Forward: the node's own operation. Backward: the operations the
        // gradient comes back through (the heads of the step's edges).
        var nodes: [NodeID] = []
        switch step.kind {
        case .forward(let id), .seed(let id): nodes = [id]
        case .backward: nodes = Array(Set(step.edges.map(\.to))).sorted()
        default: break
        }
        nodes = nodes.filter { section.graph[$0].operation != nil }
        guard !nodes.isEmpty else {
            return ["explain", "",
                    "This step shows \(describe(step.kind)); it has no single operation.",
                    "Go to a forward or backward step (→) and press e there."]
        }
        var out: [String] = []
        for id in nodes {
            if !out.isEmpty { out.append("") }
            out += explain(id, in: section)
        }
        return out
    }

    /// Name, forward formula and local derivatives of the operation at `id`:
    /// the operation's own explanation (`OperationDefinition.explanation`,
    /// the text its definition keeps beside the rule), then the same rule in
    /// this graph's names.
    static func explain(_ id: NodeID, in section: LessonSection) -> [String] {
        let op = section.graph[id].operation!
        let labels = section.labels
        let inputs = section.graph[id].inputs
        let explanation = op.definition.explanation
        var out = ["explain · " + explanation.title, "", "forward: " + explanation.forward]
        out += explanation.localDerivatives
        if let expansion = explanation.expansion { out.append("expands to: " + expansion) }
        out.append("")
        out.append("here: \(labels[id]) = \(NodeLabels.expression(op, inputs.map { labels[$0] }))")
        for (k, input) in inputs.enumerated() where !op.targetOperands.contains(k) {
            let (rule, _) = labels.localRule(of: id, operand: k)
            out.append("      local derivative \(labels.partial(id, input)) = \(rule)")
        }
        out.append("backward: each input's gradient = the upstream gradient \(labels.partial(section.output, id)) × its local derivative")
        return out
    }

    static func describe(_ kind: LessonStep.Kind) -> String {
        switch kind {
        case .overview: return "the overview of the graph"
        case .check: return "a gradient check"
        case .training: return "training"
        case .summary: return "a summary"
        case .seed: return "the seed of the backward pass"
        case .forward, .backward: return "a step"
        }
    }
}
