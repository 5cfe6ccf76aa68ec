import ChainRule

/// An edge of a section's graph: operand `operand` of node `to` is `from`.
public struct EdgeKey: Hashable, Sendable {
    /// The operand node: where the value comes from.
    public let from: NodeID
    /// The node that uses it.
    public let to: NodeID
    /// Which operand of `to` (0 for the first).
    public let operand: Int
    /// The edge from `from` into operand `operand` of `to`.
    public init(from: NodeID, to: NodeID, operand: Int) { self.from = from; self.to = to; self.operand = operand }
    /// The edge the engine's record describes.
    public init(_ record: EdgeRecord) { self.init(from: record.from, to: record.to, operand: record.operand) }
}

/// One use of a node during its backward step: the chain rule once,
/// `local derivative × upstream = contribution`.
public struct BackwardTerm: Sendable {
    /// The engine's record of the edge (upstream, local, contribution, reduction).
    public let edge: EdgeRecord
    /// `∂L/∂price · ∂price/∂apple`.
    public let symbolic: String
    /// `∂price/∂apple` in words of the labels: `n`.
    public let localRule: String
    /// Why the rule holds, when there is a short reason (`× swaps its inputs`).
    public let reason: String?
    /// The equation line(s) with numbers, e.g.
    /// `∂L/∂apple = ∂L/∂price · ∂price/∂apple = 1.1 × 2 = 2.2`.
    public let lines: [String]
}

/// One row of a numerical gradient check.
public struct CheckRow: Sendable {
    /// The input checked.
    public let node: NodeID
    /// Its name in the lesson.
    public let name: String
    /// Its gradient from the backward pass.
    public let backprop: Tensor
    /// Its gradient from central differences.
    public let numerical: Tensor
    /// `max |backprop − numerical|` over the elements.
    public let maxAbsoluteError: Double
    /// Whether the two agree within the check's tolerance.
    public let passed: Bool
}

/// One step of a lesson: what the player shows and the exporter draws.
///
/// A graph section plays as: an overview (inputs known), one forward step per
/// operation in topological order, the seed step `∂L/∂L = 1`, one backward
/// step per node in reverse order (each with a `BackwardTerm` per use of the
/// node and, for fan-out, the sum), then any `check` or `train` steps.
public struct LessonStep: Sendable {
    /// What a step shows.
    public enum Kind: Sendable, Hashable {
        /// A graph appears; its inputs are known.
        case overview
        /// The value of an operation node is computed.
        case forward(NodeID)
        /// The backward pass starts: `∂L/∂L = 1`.
        case seed(NodeID)
        /// The gradient of a node is assembled from all its uses.
        case backward(NodeID)
        /// Backprop vs numerical gradients.
        case check
        /// Mini-batch training (run by the player when reached; see `training`).
        case training
        /// Prose after the last graph.
        case summary
    }

    /// 1-based position in the lesson.
    public let number: Int
    /// What the step shows.
    public let kind: Kind
    /// Index into `Lesson.sections` (`nil` for a summary after the last graph).
    public let section: Int?
    /// A one-line heading: `forward · price = apple × n`.
    public let title: String
    /// Markdown prose shown with this step.
    public let prose: String?
    /// Instructor notes attached to this step (`> note …`).
    public let notes: [String]
    /// When set, this step asks the question and hides the new value or
    /// gradient (shown as `?`); the next step reveals it.
    public let question: String?
    /// The step's equations, ready to print: the forward formula, or the
    /// chain rule with symbols and numbers.
    public let equations: [String]
    /// Backward steps: one term per use of the node, in consumer order.
    public let terms: [BackwardTerm]
    /// Backward steps of a node that fans out: the sum of the terms.
    public let sum: Tensor?
    /// Nodes whose values are known (drawn) at this step.
    public let knownValues: Set<NodeID>
    /// Nodes whose gradients are known at this step.
    public let knownGradients: Set<NodeID>
    /// The node this step is about.
    public let focus: NodeID?
    /// The edges this step is about (into the node going forward, out of it going backward).
    public let edges: [EdgeKey]
    /// Check steps: one row per leaf.
    public let checks: [CheckRow]
    /// Extra text lines (e.g. the check table).
    public let table: [String]
    /// Training steps: what to run.
    package let training: TrainingPlan?
    /// Question steps: the number the question asks for (what the equation hides).
    public let answer: Tensor?
    /// Question steps: a hint for a wrong answer (the rule to apply).
    public let hint: String?
    /// Question steps: what is asked (the value, the local derivative, the upstream gradient or their product).
    package let asked: Directive.AskTarget?
}
