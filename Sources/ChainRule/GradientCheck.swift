/// Numerical gradients by central differences, the independent check on
/// every backpropagated gradient.
public enum GradientCheck {
    /// The step `h` in `(f(x + h) − f(x − h)) / 2h`.
    public static let defaultStep = 1e-5

    /// Tolerances for calling a backprop gradient correct: an element passes
    /// when `|backprop − numerical| ≤ absolute + relative · |numerical|`.
    public struct Tolerance: Sendable {
        /// The error allowed whatever the size of the gradient.
        public var absolute: Double
        /// The error allowed per unit of `|numerical|`.
        public var relative: Double
        /// A tolerance of `absolute + relative · |numerical|`.
        public init(absolute: Double, relative: Double) { self.absolute = absolute; self.relative = relative }
        /// Suits central differences with `h = 1e-5` on smooth functions.
        public static let standard = Tolerance(absolute: 1e-6, relative: 1e-4)
    }

    /// `∂(sum of output)/∂leaf` estimated by central differences.
    public static func numericalGradient(of output: NodeID, withRespectTo leaf: NodeID, in graph: Graph,
                                         step h: Double = defaultStep) throws(EvaluationError) -> Tensor {
        var g = graph
        let x = graph.initialValues[leaf.index]!
        var out = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[i] += h
            minus.scalars[i] -= h
            g.setValue(plus, of: leaf)
            let fp = try g.forward().value(of: output).sum
            g.setValue(minus, of: leaf)
            let fm = try g.forward().value(of: output).sum
            out[i] = (fp - fm) / (2 * h)
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// The comparison of one leaf's backprop and numerical gradients.
    public struct Comparison: Sendable {
        /// The leaf whose gradient was checked.
        public let leaf: NodeID
        /// Its gradient from the backward pass.
        public let backprop: Tensor
        /// Its gradient estimated by central differences.
        public let numerical: Tensor
        /// `max |backprop − numerical|`.
        public let maxAbsoluteError: Double
        /// `max |backprop − numerical| / max(|backprop|, |numerical|)` (0 when both are 0).
        public let maxRelativeError: Double
        /// Whether every element is within the tolerance.
        public let passed: Bool
    }

    /// Compares backprop with central differences for every leaf of the graph.
    public static func compare(output: NodeID, in graph: Graph, step: Double = defaultStep,
                               tolerance: Tolerance = .standard) throws(EvaluationError) -> [Comparison] {
        let pass = try graph.forward().backward(from: output)
        var result: [Comparison] = []
        for leaf in graph.leaves {
            guard let analytic = pass.gradient(of: leaf) else { continue } // a target: no gradient
            let numeric = try numericalGradient(of: output, withRespectTo: leaf, in: graph, step: step)
            var maxAbs = 0.0, maxRel = 0.0, ok = true
            for (a, n) in zip(analytic.scalars, numeric.scalars) {
                let d = abs(a - n)
                if a.isNaN != n.isNaN || !(d <= tolerance.absolute + tolerance.relative * abs(n)) {
                    if !(a == n) { ok = false }  // equal infinities pass
                }
                if d.isFinite {
                    maxAbs = max(maxAbs, d)
                    let scale = max(abs(a), abs(n))
                    if scale > 0 { maxRel = max(maxRel, d / scale) }
                }
            }
            result.append(Comparison(leaf: leaf, backprop: analytic, numerical: numeric,
                                     maxAbsoluteError: maxAbs, maxRelativeError: maxRel, passed: ok))
        }
        return result
    }
}
