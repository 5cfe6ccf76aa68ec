/// NumPy broadcasting for ranks 0–2, and its reverse: summing a gradient
/// back down to the shape of the operand that was broadcast.
package enum Broadcasting {
    /// The broadcast shape of `a` and `b`, or `nil` when they are incompatible.
    package static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
        }
        return out
    }

    /// `t` expanded to `shape` (which must be a broadcast of `t.shape`).
    package static func expand(_ t: Tensor, to shape: [Int]) -> Tensor {
        if t.shape == shape { return t }
        let index = indexMap(from: t.shape, to: shape)
        return Tensor(shape: shape, scalars: index.map { t.scalars[$0] })
    }

    /// For every element of a tensor of shape `to`, the index of the element
    /// of a tensor of shape `from` that broadcasting reads.
    static func indexMap(from: [Int], to: [Int]) -> [Int] {
        let p = Array(repeating: 1, count: to.count - from.count) + from
        let rows = to.count == 2 ? to[0] : 1
        let cols = to.count >= 1 ? to[to.count - 1] : 1
        let srcRows = p.count == 2 ? p[0] : 1
        let srcCols = p.count >= 1 ? p[p.count - 1] : 1
        var out = [Int]()
        out.reserveCapacity(rows * cols)
        for r in 0..<rows {
            let sr = srcRows == 1 ? 0 : r
            for c in 0..<cols {
                out.append(sr * srcCols + (srcCols == 1 ? 0 : c))
            }
        }
        return out
    }

    /// Sums `gradient` (of a broadcast shape) down to `shape`, recording the
    /// axes that were summed — the "bias gradient = sum over the batch" rule.
    package static func reduce(_ gradient: Tensor, to shape: [Int]) -> (Tensor, BroadcastReduction?) {
        if gradient.shape == shape { return (gradient, nil) }
        // Which axes of the broadcast shape were summed away or collapsed?
        let padded = Array(repeating: 0, count: gradient.rank - shape.count) + shape
        var axes: [Int] = []
        for (axis, (d, s)) in zip(gradient.shape, padded).enumerated() where d != s {
            axes.append(axis)
        }
        return (sum(gradient, to: shape), BroadcastReduction(fromShape: gradient.shape, toShape: shape, summedAxes: axes))
    }

    /// The sum of `reduce(_:to:)` alone, without the record (the backward pass's own use).
    static func sum(_ gradient: Tensor, to shape: [Int]) -> Tensor {
        if gradient.shape == shape { return gradient }
        // Each element adds into the one broadcasting read it from
        // (`indexMap`), in row-major order, computed row by row.
        let to = gradient.shape
        let p = Array(repeating: 1, count: to.count - shape.count) + shape
        let rows = to.count == 2 ? to[0] : 1, cols = to.count >= 1 ? to[to.count - 1] : 1
        let srcRows = p.count == 2 ? p[0] : 1, srcCols = p.count >= 1 ? p[p.count - 1] : 1
        var out = [Double](repeating: 0, count: shape.reduce(1, *))
        out.withUnsafeMutableBufferPointer { o in
            gradient.scalars.withUnsafeBufferPointer { g in
                for r in 0..<rows {
                    let out = o.baseAddress! + (srcRows == 1 ? 0 : r * srcCols), row = g.baseAddress! + r * cols
                    if srcCols == 1 {
                        for c in 0..<cols { out[0] += row[c] }
                    } else {
                        for c in 0..<cols { out[c] += row[c] }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }
}

/// A gradient summed over broadcast axes on its way back to a smaller operand.
public struct BroadcastReduction: Hashable, Sendable {
    /// The shape the operand was broadcast to (the gradient's shape before the sum).
    public let fromShape: [Int]
    /// The operand's own shape.
    public let toShape: [Int]
    /// Axes of `fromShape` that were summed (0 = rows / the batch).
    public let summedAxes: [Int]

    /// A record of summing a gradient of shape `fromShape` over `summedAxes` back to `toShape`.
    public init(fromShape: [Int], toShape: [Int], summedAxes: [Int]) {
        self.fromShape = fromShape
        self.toShape = toShape
        self.summedAxes = summedAxes
    }
}
