import ChainRule

/// When a number people read is zero up to rounding, and shows as `0`.
///
/// Floating-point sums leave noise where the exact answer is zero: the bias
/// gradient Σ(y − t) of a softmax layer comes out as `−1.388e−16`, not 0.
/// Human-facing text (figures, terminal, slides, worksheets, tables) shows
/// such entries as `0`; JSON and `--format dot` keep every bit.
///
/// **The rule.** An entry `x` shows as `0` when
///
///     |x| < 1e−12 × M
///
/// where `M` is the largest magnitude among the terms that the operation
/// producing the entry added up (only sums cancel; a product or a quotient of
/// exact-looking numbers is never noise, so for them `M = 0`):
///
/// - a node's **value**: for `+`, `−`, `sum` and `mean`, the largest entry of
///   the operands; for `@`, max|A| × max|B| (every term is a product
///   a·b); every other operation, a leaf and a constant have `M = 0`;
/// - the **gradient along an edge**: when the operand was broadcast (the
///   products `upstream ⊙ local` are summed over the broadcast axes), max
///   |upstream| × max |local|; for a rule such as `G · Bᵀ` or softmax's
///   Jacobian, max |upstream| × the largest entry of the operation's inputs
///   and output; otherwise `M = 0`;
/// - a node's **gradient**: the largest `M` of its incoming edges and, when
///   it fans out (contributions are added), the largest contribution. The
///   output's seed has `M = 0`.
///
/// Genuinely small results keep their digits: `1.234e−4` computed from
/// numbers near 1 is far above 1e−12 and prints as `1.234e−4`.
public enum RoundingNoise {
    /// The relative size below which an entry is rounding noise: 1e−12,
    /// about 4500 units in the last place of a double — far more than a
    /// lesson-sized sum accumulates, far less than any number a lesson means.
    public static let relativeTolerance = 1e-12

    /// The magnitude below which entries with scale `m` show as `0`.
    public static func threshold(scale m: Double) -> Double {
        m.isFinite ? m * relativeTolerance : 0
    }

    /// `M` for the value of node `id`.
    public static func valueScale(of id: NodeID, in forward: Forward) -> Double {
        let node = forward.graph[id]
        guard let op = node.operation else { return 0 }
        let operands = node.inputs.map { largestMagnitude(forward.value(of: $0)) }
        switch op.scriptName {
        case "@": return operands.reduce(1, *)
        case "+", "-", "sum", "mean": return operands.max() ?? 0
        default: return 0
        }
    }

    /// `M` for the gradient that flows along one edge.
    public static func edgeScale(_ e: EdgeRecord, in forward: Forward) -> Double {
        let up = largestMagnitude(e.upstream)
        switch e.local {
        case .elementwise(let local):
            return e.reduction == nil ? 0 : up * largestMagnitude(local)
        case .rule:
            var m = largestMagnitude(forward.value(of: e.to))
            for input in forward.graph[e.to].inputs { m = max(m, largestMagnitude(forward.value(of: input))) }
            return up * m
        }
    }

    /// `M` for the gradient of node `id` (0 for the output's seed).
    public static func gradientScale(of id: NodeID, in backward: Backward) -> Double {
        guard id != backward.output else { return 0 }
        let edges = backward.edges(into: id)
        var m = 0.0
        for e in edges {
            m = max(m, edgeScale(e, in: backward.forward))
            if edges.count > 1 { m = max(m, largestMagnitude(e.contribution)) }
        }
        return m
    }

    /// The largest finite |entry| of `t` (0 for an empty or all-non-finite tensor).
    public static func largestMagnitude(_ t: Tensor) -> Double {
        var m = 0.0
        for x in t.scalars where x.isFinite { m = max(m, abs(x)) }
        return m
    }
}
