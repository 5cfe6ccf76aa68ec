// Sums and means over every element or along one axis (NumPy semantics).
// Every element contributes with derivative 1 (or 1/n), so the backward
// pass copies the upstream gradient back along the reduced axis.

extension OperationDefinition {
    /// `sum(x)`, `sum(x, axis=0|1)`; `keepDims` (used by expanded softmax) keeps the axis with length 1.
    static func sum(axis: Int?, keepDims: Bool) -> OperationDefinition {
        .init(name: "sum", symbol: axis.map { "Σ axis \($0)" } ?? "Σ", call: reductionCall("sum"),
              text: .init("sum", forward: axis.map { "y = Σ of x along axis \($0)" } ?? "y = Σ of every element of x",
                          expression: (axis.map { "Σ" + subscriptDigits($0) } ?? "Σ") + "({a!})",
                          local: [.init("1", "Σ copies the gradient back to every element it added")]),
              rule: .tensor(TensorRule(
                  shape: { s throws(ShapeError) in try reducedShape(s[0], axis: axis, keepDims: keepDims) },
                  forward: { x, shape in Reductions.sum(x[0], axis: axis, shape: shape) },
                  backward: { x, _, g in
                      let spread = Reductions.spread(g, axis: axis, to: x[0].shape)
                      return [OperandGradient(local: .elementwise(.ones(x[0].shape)), contribution: spread)]
                  })))
    }

    /// `mean(x)`, `mean(x, axis=0|1)`.
    static func mean(axis: Int?) -> OperationDefinition {
        .init(name: "mean", symbol: axis.map { "mean axis \($0)" } ?? "mean", call: reductionCall("mean"),
              text: .init("mean", forward: axis.map { "y = mean of x along axis \($0)" } ?? "y = mean of every element of x",
                          expression: (axis.map { "mean" + subscriptDigits($0) } ?? "mean") + "({a!})",
                          local: [.init("1/n", "mean copies the gradient divided by the count")]),
              rule: .tensor(TensorRule(
                  shape: { s throws(ShapeError) in try reducedShape(s[0], axis: axis, keepDims: false) },
                  forward: { x, shape in
                      let s = Reductions.sum(x[0], axis: axis, shape: shape)
                      let n = Double(x[0].count / Swift.max(s.count, 1))
                      return s.map { $0 / n }
                  },
                  backward: { x, y, g in
                      let n = Double(x[0].count / Swift.max(y.count, 1))
                      let spread = Reductions.spread(g, axis: axis, to: x[0].shape).map { $0 / n }
                      return [OperandGradient(local: .elementwise(Tensor(repeating: 1 / n, shape: x[0].shape)), contribution: spread)]
                  })))
    }
}

/// `sum(x)` or `sum(x, axis=0|1)` (and `mean`).
private func reductionCall(_ name: String) -> ScriptCall {
    .init(name, signature: "\(name)(x) or \(name)(x, axis=0|1)", keywords: ["axis"], reserved: true) { args throws(ArgumentError) in
        var axis: Int? = nil
        if let given = args.keywords["axis"] {
            guard let v = given, v == 0 || v == 1 else {
                throw ArgumentError(.keyword("axis"), "axis must be 0 or 1", notes: ["axis 0 runs down the rows, axis 1 along each row"])
            }
            axis = Int(v)
        }
        return name == "mean" ? .mean(axis: axis) : .sum(axis: axis)
    }
}

/// The shape after reducing `axis` (all axes when `nil`).
private func reducedShape(_ a: [Int], axis: Int?, keepDims: Bool) throws(ShapeError) -> [Int] {
    guard let axis else { return [] }
    guard axis >= 0, axis < a.count else {
        throw ShapeError("axis \(axis) is out of range for a \(a.isEmpty ? "scalar" : "tensor of shape \(describeShape(a))") (it has \(a.count) ax\(a.count == 1 ? "is" : "es"))",
                         operand: 0, parameter: 0)
    }
    var s = a
    if keepDims { s[axis] = 1 } else { s.remove(at: axis) }
    return s
}

/// `₀`, `₁₂`: a number as subscript digits.
func subscriptDigits(_ n: Int) -> String {
    let d = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
    return String(n).map { $0.wholeNumberValue.map { d[$0] } ?? String($0) }.joined()
}
