import ChainRule
import RealModule
import Testing

/// The tolerance for hand-computed expected values.
let handTolerance = 1e-12

/// `#expect`s that two tensors have the same shape and elements within `tolerance`.
func expectClose(_ actual: Tensor?, _ expected: Tensor, tolerance: Double = handTolerance,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("expected \(expected), got nil", sourceLocation: sourceLocation)
        return
    }
    #expect(actual.shape == expected.shape, "shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    for (a, e) in zip(actual.scalars, expected.scalars) {
        #expect(a.isApproximatelyEqual(to: e, absoluteTolerance: tolerance),
                "\(actual) ≉ \(expected)", sourceLocation: sourceLocation)
    }
}

/// Builds `y = op(leaves…)`, runs forward and backward, and returns the pieces.
func run(_ op: Operation, _ inputs: Tensor...) throws -> (y: Tensor, grads: [Tensor?], edges: [EdgeRecord]) {
    var g = Graph()
    let ids = inputs.enumerated().map { g.leaf("x\($0.offset)", $0.element) }
    let y = try g.apply(op, ids, name: "y")
    let pass = try g.forward().backward(from: y)
    return (pass.forward.value(of: y), ids.map { pass.gradient(of: $0) }, pass.edges(outOf: y))
}

/// The elementwise local derivative on the edge from operand `k`.
func local(_ edges: [EdgeRecord], _ k: Int) -> Tensor? {
    guard let e = edges.first(where: { $0.operand == k }), case .elementwise(let t) = e.local else { return nil }
    return t
}
