/// One operation, described once — the way PyTorch's `derivatives.yaml`
/// and micrograd describe theirs: how a script spells it, how a figure draws
/// it, its forward computation beside its local derivative(s), the same rule
/// in words, and, for a fused operation, its expansion into primitives.
///
/// A final class, not a struct: `Operation.definition` hands out the shared
/// instance (one retain) instead of copying a dozen closures and strings.
///
/// The definitions live in `Operations/Definitions+*.swift`, one file per
/// family: a `static let` for each operation (built once; the engine's hot
/// paths read only its `rule`), a `static func` for one with a parameter
/// (`pow(p)`, `reshape(shape)`), called once per node: `Graph.apply` keeps
/// the node's `rule` and target, so evaluating a graph never builds a
/// definition again. The engine's forward and backward passes, shape checks, figure
/// symbols, the script's function table, the lessons' equations and the
/// player's explain view all read them (see `Operation.definition`).
package final class OperationDefinition: Sendable {
    /// The name in scripts and messages: the function (`tanh`) or the operator (`+`).
    package let name: String
    /// The label drawn inside the operation's circle in figures (`σ`, `×`).
    package var symbol: String { makeSymbol() }
    /// Number of tensor operands.
    package let arity: Int
    /// The operand that is a target, if any: no gradient flows into it.
    package let target: Int?
    /// The rule in words: for equations, the explain view and the docs.
    package var text: OperationText { makeText() }
    /// How a script calls it, when it is a function (`nil` for operators
    /// and for operations the grammar writes, like `x[i]`).
    package var call: ScriptCall? {
        guard var call = makeCall() else { return nil }
        call.operands = arity
        return call
    }
    /// A verb for shape errors: "cannot *multiply* shapes (2, 3) and (2,)".
    package var verb: String { givenVerb ?? "apply \(name) to" }
    /// The computation: forward beside the local derivative.
    let rule: Rule
    /// For a fused operation: the same value built from primitives, with equal gradients.
    let expansion: Expansion?
    // Text and call are built when asked for, so the engine's hot paths,
    // which read only `rule`, never build strings or arrays.
    private let makeSymbol: @Sendable () -> String
    private let makeText: @Sendable () -> OperationText
    private let makeCall: @Sendable () -> ScriptCall?
    private let givenVerb: String?

    init(name: String, symbol: @autoclosure @escaping @Sendable () -> String, arity: Int = 1, target: Int? = nil, verb: String? = nil,
         call: @autoclosure @escaping @Sendable () -> ScriptCall? = nil,
         text: @autoclosure @escaping @Sendable () -> OperationText, rule: Rule, expansion: Expansion? = nil) {
        self.name = name
        self.makeSymbol = symbol
        self.arity = arity
        self.target = target
        self.givenVerb = verb
        self.makeCall = call
        self.makeText = text
        self.rule = rule
        self.expansion = expansion
    }

    /// `true` when `Graph.expanded()` can rewrite the operation into primitives.
    package var isFused: Bool { expansion != nil }

    /// Builds the fused operation from primitives on `graph`, given its operands.
    typealias Expansion = @Sendable (_ graph: inout Graph, _ operands: [NodeID]) throws(ShapeError) -> NodeID
}

/// How an operation computes its value and its local derivatives.
enum Rule: Sendable {
    /// `y = f(x)` element by element, beside `∂y/∂x` in terms of the input
    /// `x` and the output `y`. The output has the operand's shape.
    case unary(forward: @Sendable (Double) -> Double,
               derivative: @Sendable (_ x: Double, _ y: Double) -> Double)
    /// `y = a ∘ b` element by element with NumPy broadcasting, beside
    /// `∂y/∂a` and `∂y/∂b`.
    case binary(forward: @Sendable (Double, Double) -> Double,
                da: @Sendable (_ a: Double, _ b: Double) -> Double,
                db: @Sendable (_ a: Double, _ b: Double) -> Double)
    /// An operation on whole tensors (matrix product, reductions, softmax, …).
    case tensor(TensorRule)
}

/// The three parts of an operation on whole tensors.
struct TensorRule: Sendable {
    /// The output shape for the operand shapes, or why they do not fit.
    let shape: @Sendable (_ operands: [[Int]]) throws(ShapeError) -> [Int]
    /// The output from the operand values (shapes already checked).
    let forward: @Sendable (_ x: [Tensor], _ shape: [Int]) throws(OperationFailure) -> Tensor
    /// Each operand's local derivative and contribution, given the operands
    /// `x`, the output `y` and the upstream gradient `g`; `nil` for a target.
    let backward: @Sendable (_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [OperandGradient?]
    /// For an operation whose backward pass reuses a tensor its forward pass
    /// computed anyway — the way Deep Learning from Scratch's `SoftmaxWithLoss`
    /// keeps `self.y` and PyTorch's `save_for_backward` — the forward pass
    /// that also returns it and the backward pass that takes it (`nil` for
    /// the others). `Graph.forward()` keeps what it returns in
    /// `Forward.saved`; `forward` and `backward` above compute it again.
    let saving: Saving?

    /// A forward pass that returns the value and the tensor it saves, and the backward pass given that tensor.
    struct Saving: Sendable {
        let forward: @Sendable (_ x: [Tensor], _ shape: [Int]) throws(OperationFailure) -> (value: Tensor, saved: Tensor)
        let backward: @Sendable (_ x: [Tensor], _ y: Tensor, _ saved: Tensor, _ g: Tensor) -> [OperandGradient?]
    }

    init(shape: @escaping @Sendable (_ operands: [[Int]]) throws(ShapeError) -> [Int],
         forward: @escaping @Sendable (_ x: [Tensor], _ shape: [Int]) throws(OperationFailure) -> Tensor,
         backward: @escaping @Sendable (_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [OperandGradient?]) {
        self.shape = shape
        self.forward = forward
        self.backward = backward
        self.saving = nil
    }

    /// A rule whose forward pass saves a tensor for its backward pass.
    /// Without the saved tensor (a backward step asked for on its own), the
    /// forward pass runs again to compute it.
    init(shape: @escaping @Sendable (_ operands: [[Int]]) throws(ShapeError) -> [Int],
         saving forward: @escaping @Sendable (_ x: [Tensor], _ shape: [Int]) throws(OperationFailure) -> (value: Tensor, saved: Tensor),
         backward: @escaping @Sendable (_ x: [Tensor], _ y: Tensor, _ saved: Tensor?, _ g: Tensor) -> [OperandGradient?]) {
        self.shape = shape
        self.forward = { x, shape throws(OperationFailure) in try forward(x, shape).value }
        self.backward = { x, y, g in backward(x, y, try? forward(x, y.shape).saved, g) }
        self.saving = Saving(forward: forward, backward: { x, y, saved, g in backward(x, y, saved, g) })
    }
}

/// How a script calls an operation: `name(operands…, literals…, keyword=literal)`.
///
/// The operands are expressions; the literals and keyword values must be
/// numeric literals, and `make` turns them into the operation.
package struct ScriptCall: Sendable {
    /// The function's name: `leaky_relu`.
    package let name: String
    /// How to call it, for messages and docs: `leaky_relu(x, slope)`.
    package let signature: String
    /// How many tensor operands come first (the operation's arity).
    package internal(set) var operands = 1
    /// The names of the numeric-literal arguments after the operands (`slope`; `r`, `c`).
    package let literals: [String]
    /// How many of `literals` may be left out from the end (`reshape(x, n)`).
    package let optionalLiterals: Int
    /// Keyword arguments, each a numeric literal (`axis`).
    package let keywords: [String]
    /// Whether the name is reserved: the functions of the core language cannot
    /// be assigned; names added later stay free, so no older script changes meaning.
    package let reserved: Bool
    /// The operation for the given literal arguments.
    package let make: @Sendable (_ arguments: ScriptArguments) throws(ArgumentError) -> Operation

    init(_ name: String, signature: String? = nil, literals: [String] = [], optionalLiterals: Int = 0,
         keywords: [String] = [], reserved: Bool = false,
         make: @escaping @Sendable (ScriptArguments) throws(ArgumentError) -> Operation) {
        self.name = name
        self.signature = signature ?? "\(name)(x)"
        self.literals = literals
        self.optionalLiterals = optionalLiterals
        self.keywords = keywords
        self.reserved = reserved
        self.make = make
    }

    /// A call that always makes the same operation.
    init(_ name: String, signature: String? = nil, reserved: Bool = false, _ operation: Operation) {
        self.init(name, signature: signature, reserved: reserved) { _ in operation }
    }
}

/// The literal arguments of a call, in the order `ScriptCall` names them.
/// An argument that is not a numeric literal is `nil`, for `make` to reject.
package struct ScriptArguments: Sendable {
    /// The positional literals given (at least `literals.count − optionalLiterals`).
    package let literals: [Double?]
    /// The keyword arguments given.
    package let keywords: [String: Double?]
    package init(literals: [Double?], keywords: [String: Double?]) {
        self.literals = literals
        self.keywords = keywords
    }
}

/// A literal argument that does not fit, e.g. `axis=2` or a size of 0.
package struct ArgumentError: Error, Sendable {
    /// Which argument is wrong.
    package enum Position: Sendable, Hashable {
        case literal(Int)
        case keyword(String)
    }
    package let position: Position
    package let message: String
    package let notes: [String]
    package init(_ position: Position, _ message: String, notes: [String] = []) {
        self.position = position
        self.message = message
        self.notes = notes
    }
}
