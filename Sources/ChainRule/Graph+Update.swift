/// Changing parameters in place, for training loops: one step of gradient
/// descent moves each parameter against its gradient,
///
/// ```swift
/// let grads = try graph.forward().gradients(from: loss, withRespectTo: params)
/// for (p, g) in zip(params, grads) {
///     graph.descend(p, along: g, learningRate: 0.1)   // p −= 0.1 · ∂L/∂p
/// }
/// ```
///
/// The values change where the graph keeps them: no copy of a parameter is
/// made unless something else (a `Forward` still alive) shares its elements.
extension Graph {
    /// `p −= learningRate · gradient`, element by element, for a leaf `p`
    /// (plain stochastic gradient descent).
    public mutating func descend(_ parameter: NodeID, along gradient: Tensor, learningRate: Double) {
        checkUpdate(parameter, gradient)
        gradient.scalars.withUnsafeBufferPointer { g in
            initialValues[parameter.index]!.scalars.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count { p[i] -= learningRate * g[i] }
            }
        }
    }

    /// Applies `step(&p, g)` to every element `p` of a leaf's value and the
    /// matching element `g` of `gradient`, in place: any update rule,
    /// e.g. `graph.update(w, with: grad) { p, g in p -= 0.01 * g }`.
    public mutating func update(_ parameter: NodeID, with gradient: Tensor,
                                _ step: (_ p: inout Double, _ g: Double) -> Void) {
        checkUpdate(parameter, gradient)
        gradient.scalars.withUnsafeBufferPointer { g in
            initialValues[parameter.index]!.scalars.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count { step(&p[i], g[i]) }
            }
        }
    }

    private func checkUpdate(_ parameter: NodeID, _ gradient: Tensor) {
        precondition(initialValues[parameter.index] != nil, "only leaves and constants have values of their own")
        precondition(gradient.shape == nodes[parameter.index].shape, "the gradient has the parameter's shape")
    }
}
