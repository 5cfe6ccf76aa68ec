import ChainRule

/// Display names and chain-rule text for the nodes of one graph.
///
/// Named nodes use their names; a constant is its value; an unnamed
/// operation is its expression (`x×w`, `Σ(x×w)`) or, when that is long, `v7`.
public struct NodeLabels: Sendable {
    public let labels: [String]
    let graph: Graph

    public init(graph: Graph, values: [Tensor]? = nil) {
        self.graph = graph
        var labels: [String] = []
        var unnamed = 0
        for node in graph.nodes {
            if let name = node.name { labels.append(name); continue }
            switch node.kind {
            case .leaf: labels.append("v\(node.id.index)")
            case .constant:
                let v = graph.initialValues[node.id.index]!
                labels.append(v.rank == 0 ? LessonFormat.number(v.scalar) : "const\(node.id.index)")
            case .operation(let op):
                let expression = NodeLabels.expression(op, node.inputs.map { labels[$0.index] }, compact: true)
                if expression.count <= 10 {
                    labels.append(expression)
                } else {
                    unnamed += 1
                    labels.append("u\(unnamed)")
                }
            }
        }
        self.labels = labels
    }

    public subscript(id: NodeID) -> String { labels[id.index] }

    /// `∂L/∂x`, parenthesising composite labels: `∂L/∂(x×w)`.
    public func partial(_ of: NodeID, _ wrt: NodeID) -> String {
        "∂" + NodeLabels.wrap(labels[of.index]) + "/∂" + NodeLabels.wrap(labels[wrt.index])
    }

    /// `true` when `s` has no operator outside parentheses or brackets
    /// (`x`, `exp(a)`, `[1, 2]`), so it needs no parentheses as an operand.
    static func isSimple(_ s: String) -> Bool {
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

    package static func wrap(_ s: String) -> String { isSimple(s) ? s : "(" + s + ")" }

    /// The operation applied to operand labels: `apple × n`, `exp(a)`, `Σ(x×w)`.
    public static func expression(_ op: ChainRule.Operation, _ x: [String], compact: Bool = false) -> String {
        let sp = compact ? "" : " "
        func infix(_ symbol: String) -> String { wrap(x[0]) + sp + symbol + sp + wrap(x[1]) }
        switch op {
        case .add: return infix("+")
        case .sub: return infix("−")
        case .mul:
            if x[1] == "-1" { return compact ? "−" + wrap(x[0]) : wrap(x[0]) + " × (−1)" }
            return infix("×")
        case .div: return infix("÷")
        case .matmul: return infix("@")
        case .neg: return "−" + wrap(x[0])
        case .pow(let p): return wrap(x[0]) + "^" + LessonFormat.number(p)
        case .transpose: return wrap(x[0]) + "ᵀ"
        case .identity: return x[0]
        case .sum(let axis, _): return axis.map { "Σ\(subscriptDigit($0))(\(x[0]))" } ?? "Σ(\(x[0]))"
        case .mean(let axis): return axis.map { "mean\(subscriptDigit($0))(\(x[0]))" } ?? "mean(\(x[0]))"
        case .recip: return "1/" + wrap(x[0])
        case .square: return wrap(x[0]) + "²"
        case .sigmoid: return "σ(\(x[0]))"
        case .crossEntropy: return "CE(\(x[0]), \(x[1]))"
        case .softmaxCrossEntropy: return "softmax_CE(\(x[0]), \(x[1]))"
        default: return op.scriptName + "(" + x.joined(separator: ", ") + ")"
        }
    }

    static func subscriptDigit(_ n: Int) -> String {
        let d = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
        return String(n).map { $0.wholeNumberValue.map { d[$0] } ?? String($0) }.joined()
    }

    /// `∂y/∂x` for operand `k` of node `y`, in words of the labels, and a
    /// short reason a learner can remember.
    public func localRule(of node: NodeID, operand k: Int) -> (rule: String, reason: String?) {
        let n = graph[node]
        guard let op = n.operation else { return ("1", nil) }
        let x = n.inputs.map { labels[$0.index] }
        let y = NodeLabels.wrap(labels[node.index])
        let a = NodeLabels.wrap(x[0])
        switch op {
        case .add: return ("1", "+ passes the gradient through unchanged")
        case .identity: return ("1", "a new name passes the gradient through")
        case .sub: return (k == 0 ? "1" : "−1", k == 0 ? "− passes the gradient to its left operand" : "− flips the sign for its right operand")
        case .mul:
            if graph[n.inputs[1 - k]].kind == .constant { return (x[1 - k], "multiplying by a constant scales the gradient by it") }
            return (NodeLabels.wrap(x[1 - k]), "× swaps its inputs: the local derivative is the other operand")
        case .div: return k == 0 ? ("1/" + NodeLabels.wrap(x[1]), nil) : ("−\(a)/\(NodeLabels.wrap(x[1]))²", nil)
        case .neg: return ("−1", nil)
        case .pow(let p):
            if p == 2 { return ("2·\(a)", "d(t²)/dt = 2t") }
            return ("\(LessonFormat.number(p))·\(a)^\(LessonFormat.number(p - 1))", nil)
        case .exp: return ("exp(\(x[0]))" + (labels[node.index] == "exp(\(x[0]))" ? "" : " = \(y)"), "exp is its own derivative")
        case .log: return ("1/\(a)", nil)
        case .recip: return ("−1/\(a)² = −\(y)²", nil)
        case .square: return ("2·\(a)", "d(a²)/da = 2a")
        case .sqrt: return ("1/(2√\(a))", nil)
        case .sigmoid: return ("\(y)·(1 − \(y))", "σ' = y(1 − y): the backward pass needs only the forward output")
        case .relu: return ("1 where \(a) > 0, else 0", "ReLU lets the gradient through where its input was positive and blocks it elsewhere")
        case .tanh: return ("1 − \(y)²", nil)
        case .sum: return ("1", "Σ copies the gradient back to every element it added")
        case .mean(_): return ("1/n", "mean copies the gradient divided by the count")
        case .matmul:
            let g = partial(output ?? node, node)
            return k == 0 ? ("\(g) · \(NodeLabels.wrap(x[1]))ᵀ", "the gradient of A @ B for A is G · Bᵀ")
                          : ("\(a)ᵀ · \(g)", "the gradient of A @ B for B is Aᵀ · G")
        case .transpose: return ("(\(partial(output ?? node, node)))ᵀ", nil)
        case .softmax: return ("J = diag(\(y)) − \(y)·\(y)ᵀ", "softmax mixes its inputs: the local derivative is a Jacobian matrix, one per row")
        case .crossEntropy: return ("−t/(\(x[0]) + 1e-7)/N", nil)
        case .softmaxCrossEntropy: return ("(softmax(\(x[0])) − \(x[1]))/N", "softmax followed by cross-entropy collapses to (y − t)/N")
        }
    }

    /// The node whose gradient the lesson follows (set per section).
    var output: NodeID?

    func with(output: NodeID) -> NodeLabels {
        var copy = self
        copy.output = output
        return copy
    }
}
