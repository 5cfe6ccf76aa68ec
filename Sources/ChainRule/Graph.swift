/// Identifies a node of a `Graph`. Nodes are numbered in creation order,
/// which is always a topological order (operands come first).
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The node's position in `Graph.nodes`, from 0.
    public let index: Int
    /// The node at position `index` of a graph.
    public init(_ index: Int) { self.index = index }
    public static func < (a: NodeID, b: NodeID) -> Bool { a.index < b.index }
    public var description: String { "#\(index)" }
}

/// What a node is.
public enum NodeKind: Hashable, Sendable {
    /// A differentiable input with a value of its own (`x = 2`).
    case leaf
    /// A literal inside an expression (`x * 2`): it has a value, and the
    /// engine computes its gradient too, but figures draw it small.
    case constant
    /// The result of an operation on the node's inputs.
    case operation(Operation)
}

/// A node: a leaf, a constant or an operation applied to earlier nodes.
public struct Node: Hashable, Sendable {
    /// The node's identity in its graph.
    public let id: NodeID
    /// Leaf, constant or operation.
    public let kind: NodeKind
    /// Operand nodes, in operand order (empty for leaves and constants).
    public let inputs: [NodeID]
    /// The shape of the node's value.
    public let shape: [Int]
    /// The name the user gave the node (`price`), if any.
    public var name: String?
    /// `true` for a **data** leaf (`data t = [0, 1]`): an input that takes no
    /// gradient (its gradient is `nil`, like a target's) and that gradient
    /// checks skip.
    public internal(set) var isData = false

    /// The operation, if the node is one.
    public var operation: Operation? {
        if case .operation(let op) = kind { return op }
        return nil
    }
}

/// A computational graph: leaves and constants joined by operations.
///
/// Build it with `leaf`, `constant` and `apply`; run `forward()` to compute
/// every value and `Forward.backward(from:)` for every gradient:
///
/// ```swift
/// var g = Graph()
/// let apple = g.leaf("apple", 100)
/// let n = g.leaf("n", 2)
/// let price = try g.apply(.mul, apple, n, name: "price")
/// let total = try g.apply(.mul, price, g.leaf("tax", 1.1), name: "total")
/// let pass = try g.forward().backward(from: total)
/// pass.gradient(of: apple)   // 2.2
/// ```
public struct Graph: Sendable {
    /// Every node, in creation (topological) order.
    public private(set) var nodes: [Node] = []
    /// The value of each leaf and constant (indexed like `nodes`; `nil` for operations).
    public internal(set) var initialValues: [Tensor?] = []
    /// Each operation node's rule (forward beside local derivatives), taken
    /// from its definition once, when the node is added: evaluating never
    /// builds a definition again (`nil` for leaves and constants). Read it
    /// with `rule(at:)`: while the graph is on the scalar path its op codes
    /// stand for the rules, and this stays empty.
    private var storedRules: [Rule?] = []
    /// Each operation node's target operand (no gradient flows into it), also taken once.
    private(set) var targets: [Int?] = []
    /// While every node is a scalar (leaf, constant or elementwise
    /// operation; no data leaf): the graph as op codes, which `forward()`
    /// and `backward(from:)` run over flat arrays of numbers. `nil` from
    /// the first node that does not fit.
    private(set) var scalarProgram: ScalarProgram? = ScalarProgram()

    /// An empty graph.
    public init() {}

    /// Adds a differentiable input, or with `isData` a data leaf: an input
    /// that takes no gradient (a target, a batch of features).
    @discardableResult
    public mutating func leaf(_ name: String?, _ value: Tensor, isData: Bool = false) -> NodeID {
        append(Node(id: NodeID(nodes.count), kind: .leaf, inputs: [], shape: value.shape, name: name, isData: isData), value, rule: nil)
    }

    /// Adds a constant (a literal inside an expression).
    @discardableResult
    public mutating func constant(_ value: Tensor) -> NodeID {
        append(Node(id: NodeID(nodes.count), kind: .constant, inputs: [], shape: value.shape, name: nil), value, rule: nil)
    }

    /// Adds an operation on earlier nodes, checking shapes.
    @discardableResult
    public mutating func apply(_ operation: Operation, _ inputs: NodeID..., name: String? = nil) throws(ShapeError) -> NodeID {
        try apply(operation, inputs, name: name)
    }

    /// Adds an operation on earlier nodes, checking shapes.
    @discardableResult
    public mutating func apply(_ operation: Operation, _ inputs: [NodeID], name: String? = nil) throws(ShapeError) -> NodeID {
        // On the scalar path, an elementwise operation on scalars (every node
        // of a scalar script) has shape `[]` and no target — what
        // `outputShape` and the definition give — and its op code stands for
        // its rule: no definition is read.
        if scalarProgram != nil, let op = ScalarTape.Op(operation), inputs.count == op.arity,
           inputs.allSatisfy({ nodes[$0.index].shape.isEmpty }) {
            let id = NodeID(nodes.count)
            scalarProgram!.append(op, operation, inputs)
            nodes.append(Node(id: id, kind: .operation(operation), inputs: inputs, shape: [], name: name))
            initialValues.append(nil)
            targets.append(nil)
            return id
        }
        // Elementwise operands of one shape have that shape as output — what
        // `outputShape` returns for them — found without an array of shapes.
        let definition = operation.definition
        let shape: [Int]
        if let same = Self.sameShapeOutput(definition.rule, inputs, nodes) {
            shape = same
        } else {
            shape = try definition.outputShape(inputs.map { nodes[$0.index].shape })
        }
        return append(Node(id: NodeID(nodes.count), kind: .operation(operation), inputs: inputs, shape: shape, name: name), nil,
                      rule: definition.rule, target: definition.target)
    }

    /// The output shape of an elementwise rule on one operand, or on two of
    /// the same shape (no broadcasting: the shape itself); `nil` otherwise.
    @inline(__always)
    private static func sameShapeOutput(_ rule: Rule, _ inputs: [NodeID], _ nodes: [Node]) -> [Int]? {
        switch rule {
        case .unary:
            guard inputs.count == 1 else { return nil }
            return nodes[inputs[0].index].shape
        case .binary:
            guard inputs.count == 2 else { return nil }
            let a = nodes[inputs[0].index].shape
            return a == nodes[inputs[1].index].shape ? a : nil
        case .tensor:
            return nil
        }
    }

    private mutating func append(_ node: consuming Node, _ value: Tensor?, rule: Rule?, target: Int? = nil) -> NodeID {
        let id = node.id
        if scalarProgram != nil {
            // Any operation here is not an elementwise one on scalars (`apply` takes those).
            if !node.shape.isEmpty || node.isData || node.operation != nil {
                leaveScalarPath()
            } else {
                scalarProgram!.appendLeaf()
            }
        }
        nodes.append(node)
        initialValues.append(value)
        if scalarProgram == nil { storedRules.append(rule) }
        targets.append(target)
        return id
    }

    /// Ends the scalar path (a node that does not fit): the nodes so far get
    /// their rules stored, as if they had been added off it.
    private mutating func leaveScalarPath() {
        scalarProgram = nil
        storedRules.reserveCapacity(nodes.capacity)
        for node in nodes { storedRules.append(node.operation?.definition.rule) }
    }

    /// Operation node `index`'s rule (`nil` for leaves and constants).
    func rule(at index: Int) -> Rule? {
        if index < storedRules.count { return storedRules[index] }
        return nodes[index].operation?.definition.rule
    }

    /// Makes room for `count` nodes in all, so a graph built node by node
    /// (a compiled script) does not copy its arrays as they grow.
    package mutating func reserveCapacity(_ count: Int) {
        nodes.reserveCapacity(count)
        initialValues.reserveCapacity(count)
        if scalarProgram == nil { storedRules.reserveCapacity(count) }
        targets.reserveCapacity(count)
        scalarProgram?.reserveCapacity(count)
    }

    /// Names (or renames) a node.
    public mutating func setName(_ name: String?, of id: NodeID) { nodes[id.index].name = name }

    /// Replaces a leaf's (or constant's) value with one of the same shape.
    public mutating func setValue(_ value: Tensor, of id: NodeID) {
        precondition(initialValues[id.index] != nil, "only leaves and constants have values of their own")
        precondition(value.shape == nodes[id.index].shape, "a leaf keeps its shape")
        initialValues[id.index] = value
    }

    /// The node with this ID.
    public subscript(id: NodeID) -> Node { nodes[id.index] }

    /// The first node with this name.
    public func node(named name: String) -> NodeID? { nodes.first { $0.name == name }?.id }

    /// Every node's consumers: for each node, the (consumer, operand position) pairs, in order.
    public var consumers: [[(node: NodeID, operand: Int)]] {
        var out = Array(repeating: [(node: NodeID, operand: Int)](), count: nodes.count)
        for node in nodes { for (k, input) in node.inputs.enumerated() { out[input.index].append((node.id, k)) } }
        return out
    }

    /// The leaves, in order.
    public var leaves: [NodeID] { nodes.filter { $0.kind == .leaf }.map(\.id) }

    /// Computes every node's value.
    public func forward() throws(EvaluationError) -> Forward { try forward(scalarPath: true) }

    /// `forward()`, with or without the scalar path (`ScalarProgram`); tests compare both.
    func forward(scalarPath: Bool) throws(EvaluationError) -> Forward {
        if scalarPath, let scalarProgram {
            // A scalar graph: numbers in flat arrays (`ScalarProgram`).
            return Forward(graph: self, scalarValues: scalarProgram.forward(initialValues))
        }
        var values: [Tensor] = []
        var saved: [Int: Tensor] = [:]
        values.reserveCapacity(nodes.count)
        // Fields are read in place (`nodes[index].inputs`), not through a
        // copy of each `Node`: a scalar script spends most of its forward
        // pass on such bookkeeping.
        for index in nodes.indices {
            guard case .operation(let op) = nodes[index].kind, let rule = rule(at: index) else {
                values.append(initialValues[index]!)
                continue
            }
            // One-element operands (scalar scripts) take the kernels' fast path.
            if let value = Elementwise.scalarForward(rule, nodes[index].inputs, shape: nodes[index].shape, values) {
                values.append(value)
                continue
            }
            do {
                if case .tensor(let tensorRule) = rule, let saving = tensorRule.saving {
                    // The forward pass that saves a tensor for the backward pass.
                    let result = try saving.forward(nodes[index].inputs.map { values[$0.index] }, nodes[index].shape)
                    values.append(result.value)
                    saved[index] = result.saved
                    continue
                }
                values.append(try op.forward(nodes[index].inputs.map { values[$0.index] }, shape: nodes[index].shape, rule: rule))
            } catch {
                throw EvaluationError(node: NodeID(index), message: error.message)
            }
        }
        return Forward(graph: self, values: values, saved: saved)
    }
}
