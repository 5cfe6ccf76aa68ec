/// A rank-0, rank-1 or rank-2 array of `Double`, stored contiguously in
/// row-major order — the value that flows along every edge of a graph.
///
/// Shapes follow NumPy: `[]` is a scalar, `[n]` a vector, `[rows, cols]`
/// a matrix.
public struct Tensor: Hashable, Sendable {
    /// The extent of each axis: `[]`, `[n]` or `[rows, cols]`.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.product`.
    public var scalars: [Double]

    /// Creates a tensor from a shape and its elements in row-major order.
    public init(shape: [Int], scalars: [Double]) {
        precondition(shape.count <= 2, "ChainRule tensors have rank 0, 1 or 2")
        precondition(shape.reduce(1, *) == scalars.count, "element count does not match shape")
        self.shape = shape
        self.scalars = scalars
    }

    /// A scalar.
    public init(_ value: Double) { self.init(shape: [], scalars: [value]) }

    /// A vector.
    public init(vector: [Double]) { self.init(shape: [vector.count], scalars: vector) }

    /// A matrix from its rows; every row must have the same length.
    public init(rows: [[Double]]) {
        let cols = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == cols }, "ragged matrix")
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// A tensor of the given shape with every element equal to `value`.
    public init(repeating value: Double, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// Zeros of the given shape.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// Ones of the given shape.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// 0 for a scalar, 1 for a vector, 2 for a matrix.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { scalars.count }
    /// Rows of a matrix (1 for vectors and scalars).
    public var rows: Int { rank == 2 ? shape[0] : 1 }
    /// Length of the last axis (1 for a scalar).
    public var lastAxisLength: Int { shape.last ?? 1 }

    /// The single element of a scalar (or the first element otherwise).
    public var scalar: Double { scalars[0] }

    /// The element at `row, col` of a matrix.
    public subscript(row: Int, col: Int) -> Double {
        get { scalars[row * shape[1] + col] }
        set { scalars[row * shape[1] + col] = newValue }
    }

    /// Applies `f` to every element.
    @inlinable
    public func map(_ f: (Double) -> Double) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map(f))
    }

    /// `true` when every element is finite.
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }

    /// The sum of all elements.
    public var sum: Double { scalars.reduce(0, +) }

    /// The matrix rows as arrays (a vector is one row, a scalar one element).
    public var rowArrays: [[Double]] {
        let cols = lastAxisLength
        if count == 0 { return [] }
        return stride(from: 0, to: count, by: cols).map { Array(scalars[$0..<$0 + cols]) }
    }
}

extension Tensor: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    public init(floatLiteral value: Double) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(Double(value)) }
    /// A vector literal: `[1, 2, 3]`.
    public init(arrayLiteral elements: Double...) { self.init(vector: elements) }
}

/// Formats a shape the way NumPy does: `()`, `(3,)`, `(2, 3)`.
package func describeShape(_ shape: [Int]) -> String {
    switch shape.count {
    case 0: return "()"
    case 1: return "(\(shape[0]),)"
    default: return "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        switch rank {
        case 0: return "\(scalar)"
        case 1: return "[" + scalars.map { "\($0)" }.joined(separator: ", ") + "]"
        default: return "[" + rowArrays.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        }
    }
}
