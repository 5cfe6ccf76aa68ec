/// A shape error found while building a graph: the operands of an operation
/// do not fit together.
public struct ShapeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A one-line message such as `cannot multiply shapes (2, 3) and (2,)`.
    public let message: String
    /// The operand the error is about, when it is one operand's fault
    /// (for example a bad `axis`), else `nil`.
    public let operand: Int?
    /// The literal parameter the error is about (a size of `reshape`, an
    /// index of `x[i, j]`, the `axis` of a reduction), counted as the
    /// operation's `ScriptCall` lists them (literals, then keywords), else `nil`.
    public let parameter: Int?
    /// An error with its message and, if it is one operand's or one parameter's fault, which.
    public init(_ message: String, operand: Int? = nil, parameter: Int? = nil) {
        self.message = message
        self.operand = operand
        self.parameter = parameter
    }
    public var description: String { message }
}

/// An error found while computing values: a class label that is not a whole
/// number in `[0, C)`.
public struct EvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The node whose operation failed.
    public let node: NodeID
    /// A one-line message such as `class label 3 is out of range [0, 3)`.
    public let message: String
    public var description: String { message }
}

/// A failure inside an operation, before it is attached to a node.
struct OperationFailure: Error { let message: String }
