import ChainRule

/// The syntax tree of one statement.
///
/// Expression nodes live in a flat array (an arena) and refer to their
/// operands by index. The parser appends operands before the node that uses
/// them, so the array is in post-order: the builder can walk it front to
/// back without recursion, however deep the expression.
struct ExpressionTree: Sendable {
    var nodes: [ExpressionNode] = []
    /// Index of the root node.
    var root: Int = 0

    mutating func append(_ node: ExpressionNode) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }
}

/// A binary operator of the script language.
enum BinaryOperator: Sendable {
    case add, subtract, multiply, divide, matmul, power

    /// Binding strength: `+ -` 1, `* / @` 2, (unary `-` 3), `^` 4.
    var precedence: Int {
        switch self {
        case .add, .subtract: return 1
        case .multiply, .divide, .matmul: return 2
        case .power: return 4
        }
    }

    /// `^` groups to the right; everything else to the left.
    var isRightAssociative: Bool { self == .power }

    /// The engine operation (`^` is `.pow(p)`, decided by the builder).
    var operation: Operation? {
        switch self {
        case .add: return .add
        case .subtract: return .sub
        case .multiply: return .mul
        case .divide: return .div
        case .matmul: return .matmul
        case .power: return nil
        }
    }
}

/// Precedence of unary minus: tighter than `* / @`, looser than `^`.
let unaryMinusPrecedence = 3

/// One argument of a call: positional (`x`) or keyword (`axis=0`).
struct Argument: Sendable {
    var keyword: String?
    var keywordSite: Site?
    var value: Int
}

/// One node of an expression.
struct ExpressionNode: Sendable {
    enum Kind: Sendable {
        /// A numeric literal.
        case number(Double)
        /// A reference to an assigned name.
        case name(String)
        /// Unary minus.
        case negate(Int)
        /// `lhs op rhs`.
        case binary(BinaryOperator, Int, Int)
        /// `function(arguments…)`.
        case call(String, [Argument])
        /// `x[i]` or `x[i, j]`: the operand, the literal indices and where each is.
        case index(Int, [Int], [Site])
    }

    var kind: Kind
    /// Where the node is: the literal, the name, the operator or the function name.
    var site: Site
    /// Where the node's text begins (for a binary node, the start of its left operand).
    var start: Site
    /// For a `.name` or `.call` node, the name's interned symbol (see `SymbolTable`).
    var symbol: Int = -1
}

/// The right side of an assignment.
enum RightSide: Sendable {
    /// `x = 2` or `x = -3.5`: a scalar leaf.
    case number(Double)
    /// `w = [1, 2]`, `W = [[1, 2], [3, 4]]`: a leaf.
    case array(Tensor)
    /// Anything else.
    case expression(ExpressionTree)
}

/// `name = right side`.
struct Statement: Sendable {
    var name: String
    var nameSite: Site
    var rightSide: RightSide
    /// Where the right side starts (the literal or `[` of a leaf).
    var rightSite: Site
    /// The name's interned symbol (see `SymbolTable`).
    var symbol: Int = -1
    /// `data name = …`: the leaf takes no gradient.
    var isData = false
}
