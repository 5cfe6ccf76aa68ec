// Operations that move elements without changing them: `reshape` and
// indexing. The local derivative is a placement, not a factor: the
// upstream gradient goes back to where each element came from.

extension OperationDefinition {
    /// `reshape(x, n)`, `reshape(x, r, c)`: the same elements in row-major order.
    static func reshape(_ shape: [Int]) -> OperationDefinition {
        .init(name: "reshape", symbol: "reshape " + describeShape(shape),
              call: .init("reshape", signature: "reshape(x, n) or reshape(x, r, c)", literals: ["n", "c"],
                          optionalLiterals: 1, make: makeReshape),
              text: .init("reshape", forward: "y = the elements of x, row by row, in shape \(describeShape(shape))",
                          expression: "reshape({a!}, \(shape.map(String.init).joined(separator: ", ")))",
                          local: [.init("{G} reshaped back", "reshape only moves elements, so the gradient moves back")]),
              rule: .tensor(TensorRule(
                  shape: { s throws(ShapeError) in
                      let count = s[0].reduce(1, *), wanted = shape.reduce(1, *)
                      guard count == wanted else {
                          throw ShapeError("cannot reshape shape \(describeShape(s[0])) (\(count) element\(count == 1 ? "" : "s")) into \(describeShape(shape)) (\(wanted) element\(wanted == 1 ? "" : "s"))", parameter: 0)
                      }
                      return shape
                  },
                  forward: { x, shape in Tensor(shape: shape, scalars: x[0].scalars) },
                  backward: { x, _, g in
                      [OperandGradient(local: .rule("G reshaped to \(describeShape(x[0].shape))"),
                                       contribution: Tensor(shape: x[0].shape, scalars: g.scalars))]
                  })))
    }

    /// `x[i]` (a vector's element, a matrix's row), `x[i, j]` (a matrix's element).
    static func index(_ indices: [Int]) -> OperationDefinition {
        let written = "[" + indices.map(String.init).joined(separator: ", ") + "]"
        return .init(name: "index", symbol: written,
                     text: .init("indexing", forward: "y = x\(written)", expression: "{a}\(written)",
                                 local: [.init("1 at \(written), 0 elsewhere", "indexing sends the gradient back to the element it took")]),
                     rule: .tensor(TensorRule(
                         shape: { s throws(ShapeError) in try indexedShape(s[0], indices) },
                         forward: { x, shape in
                             let start = indexOffset(x[0].shape, indices)
                             return Tensor(shape: shape, scalars: Array(x[0].scalars[start..<start + Swift.max(shape.reduce(1, *), 1)]))
                         },
                         backward: { x, _, g in
                             var scattered = Tensor.zeros(x[0].shape)
                             let start = indexOffset(x[0].shape, indices)
                             scattered.scalars.replaceSubrange(start..<start + g.count, with: g.scalars)
                             return [OperandGradient(local: .rule("G at \(written), 0 elsewhere"), contribution: scattered)]
                         })))
    }
}

/// The sizes of `reshape(x, n)` / `reshape(x, r, c)`: whole-number literals of at least 1.
@Sendable private func makeReshape(_ args: ScriptArguments) throws(ArgumentError) -> Operation {
    var shape: [Int] = []
    for (k, given) in args.literals.enumerated() {
        guard let v = given, v == v.rounded(), v >= 1, v <= 0x1p40 else {
            throw ArgumentError(.literal(k), "a size must be a whole number literal of at least 1")
        }
        shape.append(Int(v))
    }
    return .reshape(shape)
}

/// The shape of `x[indices]`: the indexed axes are dropped.
private func indexedShape(_ shape: [Int], _ indices: [Int]) throws(ShapeError) -> [Int] {
    guard !shape.isEmpty else { throw ShapeError("cannot index a scalar", operand: 0) }
    guard indices.count <= shape.count else {
        throw ShapeError("too many indices for a tensor of shape \(describeShape(shape)) (it has \(shape.count) ax\(shape.count == 1 ? "is" : "es"))",
                         parameter: shape.count)
    }
    for (axis, i) in indices.enumerated() where i < 0 || i >= shape[axis] {
        throw ShapeError("index \(i) is out of range for axis \(axis) of length \(shape[axis]) (shape \(describeShape(shape)))",
                         parameter: axis)
    }
    return Array(shape.dropFirst(indices.count))
}

/// Where `x[indices]` starts in `x`'s row-major elements.
private func indexOffset(_ shape: [Int], _ indices: [Int]) -> Int {
    var offset = 0, stride = shape.reduce(1, *)
    for (axis, i) in indices.enumerated() {
        stride /= shape[axis]
        offset += i * stride
    }
    return offset
}
