import ChainRule
import ChainRuleLessons

/// The text of the player's `e` key: the operation of the step on screen —
/// its name, its forward formula and its local derivative for each operand.
///
/// The words come from the operation itself (its name and symbol) and from
/// the same rule text the step's equations use (`NodeLabels.localRule`), so
/// the explanation never disagrees with the equation on screen.
public enum StepExplanation {
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

    /// Name, forward formula and local derivatives of the operation at `id`.
    static func explain(_ id: NodeID, in section: LessonSection) -> [String] {
        let op = section.graph[id].operation!
        let graph = section.graph
        let labels = section.labels
        let inputs = graph[id].inputs
        let name = labels[id]
        var out = ["explain · \(op.scriptName) (drawn \(op.symbol))", ""]
        out.append("forward:  \(name) = \(NodeLabels.expression(op, inputs.map { labels[$0] }))")
        out.append("")
        for (k, input) in inputs.enumerated() {
            if op.targetOperands.contains(k) {
                out.append("\(labels[input]) is a target: no gradient flows into it.")
                continue
            }
            let (rule, reason) = labels.localRule(of: id, operand: k)
            out.append("local derivative \(labels.partial(id, input)) = \(rule)")
            if let reason { out.append("    (\(reason))") }
        }
        out.append("")
        out.append("backward: each input's gradient = upstream gradient \(labels.partial(section.output, id)) × its local derivative.")
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
