import RealModule

/// A compact, scalar-only computational graph for large graphs (10⁴–10⁶+
/// nodes): the same elementwise operations, values and gradients as `Graph`,
/// stored as a struct of arrays.
///
/// `Graph` is the teaching engine: every node carries its shape, its operand
/// list and (after backward) a record of every edge, which is what figures
/// and lessons need — and costs several heap arrays per node. A micrograd-
/// style scalar MLP with a million nodes needs none of that, so the tape
/// keeps, per node, one op code byte and two `Int32` operand indices (packed
/// in 12 bytes), the value and — once `backward` has run — the gradient:
/// 28 bytes in three contiguous arrays. Nodes are numbered
/// in creation order, which is a topological order, so forward is one loop up
/// the tape and backward one loop down it — no sort, no recursion, no
/// per-node allocation.
///
/// Values are computed eagerly as nodes are added (define-by-run, like
/// micrograd); `forward()` recomputes them after leaves change.
///
/// ```swift
/// var t = ScalarTape()
/// let a = t.leaf(2), b = t.leaf(-3)
/// let y = t.apply(.tanh, t.apply(.mul, a, b))
/// t.backward(from: y)
/// t.gradient(of: a)   // (1 − tanh²(−6)) · (−3)
/// ```
///
/// Every elementwise operation works on the tape. The common ones (`add`,
/// `mul`, `tanh`, …) have op codes whose rule the compiler inlines; any
/// other (`abs`, `maximum`, `leaky_relu`, `pow(x, y)`, …) is a `unary` or
/// `binary` node whose rule, built once from its definition, is kept beside
/// it — so a new operation needs nothing here.
///
/// The per-operation rules are the operations' definitions
/// (Operations/Definitions+*.swift), the same the graph engine uses;
/// `ScalarTapeTests` checks that both engines give identical values and
/// gradients.
public struct ScalarTape: Sendable {
    /// A node of the tape: its index in creation order.
    public struct Variable: Hashable, Comparable, Sendable {
        /// The position of the node on the tape, from 0.
        public let index: Int32
        @inlinable init(raw index: Int32) { self.index = index }
        /// The node at position `index` of the tape (e.g. the same position
        /// as in the `Graph` a tape was copied from).
        public init(_ index: Int) { self.index = Int32(index) }
        public static func < (a: Variable, b: Variable) -> Bool { a.index < b.index }
    }

    /// The operation a tape node applies. `leaf` nodes have no operands.
    public enum Op: UInt8, Sendable, CaseIterable {
        /// An input: a value set at creation, no operands.
        case leaf
        /// One operand, as the `Operation` of the same name (`pow`: `x ^ p`
        /// with the exponent stored beside the node).
        case identity, neg, exp, log, recip, square, sqrt, sigmoid, relu, tanh, pow
        /// Two operands, as the `Operation` of the same name (no broadcasting: scalars).
        case add, sub, mul, div
        /// Any other one-operand elementwise operation (`abs`, `leaky_relu`,
        /// …): its rule, from the operation's definition, is kept beside the node.
        case unary
        /// Any other two-operand elementwise operation (`maximum`, `pow(x, y)`,
        /// …): its rule is kept beside the node.
        case binary

        /// The equivalent graph operation (`pow` needs its exponent); `nil`
        /// for a leaf and for `unary`/`binary`, whose operation is the node's
        /// (`ScalarTape.operation(of:)`).
        public func operation(exponent: Double = 0) -> Operation? {
            switch self {
            case .leaf, .unary, .binary: return nil
            case .identity: return .identity
            case .neg: return .neg
            case .exp: return .exp
            case .log: return .log
            case .recip: return .recip
            case .square: return .square
            case .sqrt: return .sqrt
            case .sigmoid: return .sigmoid
            case .relu: return .relu
            case .tanh: return .tanh
            case .pow: return .pow(exponent)
            case .add: return .add
            case .sub: return .sub
            case .mul: return .mul
            case .div: return .div
            }
        }

        /// The tape op code for an elementwise graph operation, or `nil` for
        /// operations on whole tensors (matmul, sum, softmax, …).
        public init?(_ operation: Operation) {
            switch operation {
            case .identity: self = .identity
            case .neg: self = .neg
            case .exp: self = .exp
            case .log: self = .log
            case .recip: self = .recip
            case .square: self = .square
            case .sqrt: self = .sqrt
            case .sigmoid: self = .sigmoid
            case .relu: self = .relu
            case .tanh: self = .tanh
            case .pow: self = .pow
            case .add: self = .add
            case .sub: self = .sub
            case .mul: self = .mul
            case .div: self = .div
            default:
                // Every other elementwise operation runs its definition's rule.
                if operation.unaryRule != nil { self = .unary }
                else if operation.binaryRule != nil { self = .binary }
                else { return nil }
            }
        }

        /// Number of operands (0 for a leaf).
        @inlinable public var arity: Int {
            switch self {
            case .leaf: return 0
            case .add, .sub, .mul, .div, .binary: return 2
            default: return 1
            }
        }
    }

    // Indexed by node. Storage is `@usableFromInline` so that `leaf` and
    // `apply` inline into the caller, where the op code is usually a
    // constant and the rule's `switch` folds away.

    /// A node's op code and operands, packed (12 bytes).
    @usableFromInline struct Entry: Sendable {
        @usableFromInline var op: Op
        /// First operand (unused for leaves).
        @usableFromInline var a: Int32
        /// Second operand; for `pow`, an index into `exponents`.
        @usableFromInline var b: Int32
        @inlinable init(_ op: Op, _ a: Int32, _ b: Int32) { self.op = op; self.a = a; self.b = b }
    }
    /// The nodes' entries and values: two growable buffers that share one
    /// count, so adding a node costs one uniqueness check, one capacity
    /// check and two stores (two `Array.append`s cost about three times that).
    @usableFromInline final class Storage: @unchecked Sendable {
        // Safe to share: a `ScalarTape` copies its storage before mutating
        // it unless it is the only reference (copy on write). Accesses are
        // never overlapping, so dynamic exclusivity checks (a runtime call
        // per access, three times the cost of adding a node) are off.
        @exclusivity(unchecked) @usableFromInline var entries: UnsafeMutablePointer<Entry>
        @exclusivity(unchecked) @usableFromInline var values: UnsafeMutablePointer<Double>
        @exclusivity(unchecked) @usableFromInline var count = 0
        @exclusivity(unchecked) @usableFromInline var capacity: Int

        @usableFromInline init(capacity: Int) {
            self.capacity = Swift.max(capacity, 16)
            entries = .allocate(capacity: self.capacity)
            values = .allocate(capacity: self.capacity)
        }

        deinit {
            entries.deallocate()
            values.deallocate()
        }

        @usableFromInline func copy(minimumCapacity: Int) -> Storage {
            let new = Storage(capacity: Swift.max(minimumCapacity, count))
            new.entries.initialize(from: entries, count: count)
            new.values.initialize(from: values, count: count)
            new.count = count
            return new
        }

        /// Doubles the capacity.
        @usableFromInline @inline(never) func grow() {
            let newCapacity = capacity * 2
            let e = UnsafeMutablePointer<Entry>.allocate(capacity: newCapacity)
            let v = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
            e.moveInitialize(from: entries, count: count)
            v.moveInitialize(from: values, count: count)
            entries.deallocate()
            values.deallocate()
            entries = e
            values = v
            capacity = newCapacity
        }
    }
    @usableFromInline var storage: Storage
    /// Allocated by `backward(from:)`; shorter than the tape (or empty)
    /// before it, which reads as zeros.
    @usableFromInline var storedGradients: ContiguousArray<Double> = []
    /// The literal exponents of `pow` nodes.
    /// The rules kept beside `pow`, `unary` and `binary` nodes (their `b`
    /// field is the slot here), each built once from its operation's definition.
    var sideRules: ContiguousArray<SideRule> = []

    /// A rule kept beside a node: a power's exponent, or another
    /// elementwise operation, with its rule and (for two operands) the
    /// second operand.
    struct SideRule: Sendable {
        let operation: Operation
        let unary: UnaryRule?
        let binary: BinaryRule?
        let second: Int32
        init(_ operation: Operation, second: Int32 = 0) {
            self.operation = operation
            unary = operation.unaryRule
            binary = operation.binaryRule
            self.second = second
        }
    }

    /// An empty tape; `capacity` reserves room for that many nodes.
    public init(capacity: Int = 0) {
        storage = Storage(capacity: capacity)
    }

    /// Reserves room for `n` nodes.
    public mutating func reserveCapacity(_ n: Int) {
        if n > storage.capacity || !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(minimumCapacity: n)
        }
    }

    /// The number of nodes.
    @inlinable public var count: Int { storage.count }

    /// Every node's value, indexed by node.
    public var values: ContiguousArray<Double> {
        ContiguousArray(UnsafeBufferPointer(start: storage.values, count: storage.count))
    }

    /// The value of node `i`, checking that it exists.
    @inlinable @inline(__always)
    func checkedValue(_ i: Int32) -> Double {
        precondition(UInt32(bitPattern: i) < UInt32(truncatingIfNeeded: storage.count), "no such node")
        return storage.values[Int(i)]
    }

    /// The entry of node `v`, checking that it exists.
    func entry(_ v: Variable) -> Entry {
        precondition(UInt32(bitPattern: v.index) < UInt32(truncatingIfNeeded: storage.count), "no such node")
        return storage.entries[Int(v.index)]
    }

    /// Every node's gradient after `backward(from:)` (zeros before, and for
    /// nodes added since), indexed by node.
    public var gradients: ContiguousArray<Double> {
        if storedGradients.count == count { return storedGradients }
        var g = storedGradients
        g.append(contentsOf: repeatElement(0, count: count - g.count))
        return g
    }

    /// Adds a differentiable input (or a constant: the tape does not
    /// distinguish them; both get gradients).
    @inlinable @inline(__always) @discardableResult
    public mutating func leaf(_ value: Double) -> Variable {
        append(.leaf, 0, 0, value)
    }

    /// Adds a one-operand operation and computes its value.
    @inlinable @inline(__always) @discardableResult
    public mutating func apply(_ op: Op, _ a: Variable) -> Variable {
        precondition(op.arity == 1 && op != .pow && op != .unary,
                     "not a one-operand operation with a fast path (use pow(_:_:), or apply(_:_:) with the Operation)")
        let x = checkedValue(a.index)
        return append(op, a.index, 0, Self.forward(op, x, 0))
    }

    /// Adds a two-operand operation and computes its value.
    @inlinable @inline(__always) @discardableResult
    public mutating func apply(_ op: Op, _ a: Variable, _ b: Variable) -> Variable {
        precondition(op.arity == 2 && op != .binary, "not a two-operand operation with a fast path (use apply(_:_:) with the Operation)")
        let x = checkedValue(a.index), y = checkedValue(b.index)
        return append(op, a.index, b.index, Self.forward(op, x, y))
    }

    /// Adds `a ^ p` for a literal exponent `p`.
    @discardableResult
    public mutating func pow(_ a: Variable, _ p: Double) -> Variable {
        appendSide(.pow, SideRule(.pow(p)), a)
    }

    /// Appends a node whose rule is kept beside it (`pow`, `unary`, `binary`).
    mutating func appendSide(_ op: Op, _ rule: SideRule, _ a: Variable) -> Variable {
        let x = checkedValue(a.index)
        let value = rule.unary.map { $0.forward(x) } ?? rule.binary!.forward(x, checkedValue(rule.second))
        let slot = Int32(sideRules.count)
        sideRules.append(rule)
        return append(op, a.index, slot, value)
    }

    /// Adds any elementwise graph operation (`.add`, `.tanh`, `.pow(2)`, …).
    @discardableResult
    public mutating func apply(_ operation: Operation, _ operands: Variable...) -> Variable {
        apply(operation, operands: operands)
    }

    @discardableResult
    mutating func apply(_ operation: Operation, operands: [Variable]) -> Variable {
        guard let op = Op(operation) else { preconditionFailure("\(operation) is not a scalar operation") }
        precondition(operands.count == op.arity, "\(operation) takes \(op.arity) operand(s)")
        switch op {
        case .pow, .unary: return appendSide(op, SideRule(operation), operands[0])
        case .binary:
            _ = checkedValue(operands[1].index)
            return appendSide(op, SideRule(operation, second: operands[1].index), operands[0])
        default: return op.arity == 1 ? apply(op, operands[0]) : apply(op, operands[0], operands[1])
        }
    }

    @inlinable @inline(__always)
    mutating func append(_ op: Op, _ a: Int32, _ b: Int32, _ value: Double) -> Variable {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(minimumCapacity: storage.capacity) }
        let s = storage
        let n = s.count
        precondition(n < Int(Int32.max), "a scalar tape holds at most 2³¹ − 1 nodes")
        if n == s.capacity { s.grow() }
        (s.entries + n).initialize(to: Entry(op, a, b))
        (s.values + n).initialize(to: value)
        s.count = n + 1
        return Variable(raw: Int32(truncatingIfNeeded: n))
    }

    /// The value of a node.
    @inlinable public func value(of v: Variable) -> Double { checkedValue(v.index) }
    /// The gradient of a node after `backward(from:)`.
    public func gradient(of v: Variable) -> Double {
        let i = Int(v.index)
        precondition(i < count, "no such node")
        return i < storedGradients.count ? storedGradients[i] : 0
    }
    /// The op code of a node.
    public func op(of v: Variable) -> Op { entry(v).op }
    /// The operands of a node (none for a leaf, one or two otherwise).
    public func operands(of v: Variable) -> [Variable] {
        let e = entry(v)
        switch e.op {
        case .leaf: return []
        case .binary: return [Variable(raw: e.a), Variable(raw: sideRules[Int(e.b)].second)]
        case _ where e.op.arity == 1: return [Variable(raw: e.a)]
        default: return [Variable(raw: e.a), Variable(raw: e.b)]
        }
    }
    /// The graph operation of a node (`nil` for a leaf).
    public func operation(of v: Variable) -> Operation? {
        let e = entry(v)
        switch e.op {
        case .pow, .unary, .binary: return sideRules[Int(e.b)].operation
        default: return e.op.operation()
        }
    }
    /// The exponent of a `pow` node.
    public func exponent(of v: Variable) -> Double? {
        let e = entry(v)
        guard e.op == .pow, case .pow(let p) = sideRules[Int(e.b)].operation else { return nil }
        return p
    }

    /// Replaces a leaf's value; call `forward()` to update the rest.
    public mutating func setValue(_ value: Double, of v: Variable) {
        precondition(entry(v).op == .leaf, "only leaves have values of their own")
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(minimumCapacity: storage.capacity) }
        storage.values[Int(v.index)] = value
    }

    /// Recomputes every operation's value from the leaves, in tape order.
    public mutating func forward() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(minimumCapacity: storage.capacity) }
        let n = storage.count
        let e = storage.entries, v = storage.values
        let rules = scalarTapeRules
        sideRules.withUnsafeBufferPointer { side in
            for i in 0..<n {
                let o = e[i].op
                switch o {
                case .leaf: continue
                case .pow, .unary: v[i] = side[Int(e[i].b)].unary!.forward(v[Int(e[i].a)])
                case .binary:
                    let r = side[Int(e[i].b)]
                    v[i] = r.binary!.forward(v[Int(e[i].a)], v[Int(r.second)])
                default: v[i] = rules.forward(o, v[Int(e[i].a)], o.arity == 2 ? v[Int(e[i].b)] : 0)
                }
            }
        }
    }

    /// Computes `∂output/∂node` for every node: zeroes the gradients, seeds
    /// the output with `seed`, and walks the tape backwards applying the
    /// chain rule once per operand (`grad[operand] += local · grad[node]`).
    /// Nodes after `output` get gradient 0.
    public mutating func backward(from output: Variable, seed: Double = 1) {
        let n = storage.count
        let out = Int(output.index)
        precondition(out >= 0 && out < n, "no such node")
        // Eight bytes per node for the gradients, and one byte per node for
        // the duration of the pass.
        storedGradients = ContiguousArray(repeating: 0, count: n)
        var reached = ContiguousArray<Bool>(repeating: false, count: n)
        let e = storage.entries, v = storage.values
        let rules = scalarTapeRules
        withExtendedLifetime(storage) {
        sideRules.withUnsafeBufferPointer { side in
        storedGradients.withUnsafeMutableBufferPointer { g in
        reached.withUnsafeMutableBufferPointer { r in
            g[out] = seed
            r[out] = true
            var i = out
            while i >= 0 {
                defer { i -= 1 }
                // Like Graph: a node the output does not depend on passes
                // nothing back (not even 0 × an infinite local derivative).
                guard r[i] else { continue }
                let entry = e[i]
                let up = g[i]
                switch entry.op {
                case .leaf: continue
                case .pow, .unary:
                    let ia = Int(entry.a)
                    g[ia] += side[Int(entry.b)].unary!.derivative(v[ia], v[i]) * up
                    r[ia] = true
                case .binary:
                    let rule = side[Int(entry.b)]
                    let ia = Int(entry.a), ib = Int(rule.second)
                    g[ia] += rule.binary!.da(v[ia], v[ib]) * up
                    g[ib] += rule.binary!.db(v[ia], v[ib]) * up
                    r[ia] = true
                    r[ib] = true
                case _ where entry.op.arity == 1:
                    let ia = Int(entry.a)
                    let d = rules.derivative(entry.op, v[ia], 0, v[i])
                    g[ia] += d.da * up
                    r[ia] = true
                default:
                    let ia = Int(entry.a), ib = Int(entry.b)
                    let d = rules.derivative(entry.op, v[ia], v[ib], v[i])
                    // Same order as Graph.backward: operand 0's contribution first.
                    g[ia] += d.da * up
                    g[ib] += d.db * up
                    r[ia] = true
                    r[ib] = true
                }
            }
        }}}}
    }

    // MARK: The rules — the operations' definitions (Operations/Definitions+*.swift).
    // Each op code names its operation; the rule is the definition's (no
    // rule is written here). They are read from `scalarTapeRules`, taken from
    // the definitions once: reading `Operation.add.definition` for every
    // node costs a retain and a release of the shared definition and of the
    // rule's closures, three times the work of the addition itself.

    /// `y = op(a)` or `y = a ∘ b` for the op codes with a fast path. A
    /// leaf's value is `a`; `pow`, `unary` and `binary` use the rule kept
    /// beside their node.
    @usableFromInline
    static func forward(_ op: Op, _ a: Double, _ b: Double) -> Double {
        scalarTapeRules.forward(op, a, b)
    }

    /// The local derivatives `∂y/∂a` and `∂y/∂b` given the operands and the output `y`.
    @usableFromInline
    static func derivative(_ op: Op, _ a: Double, _ b: Double, _ y: Double) -> (da: Double, db: Double) {
        scalarTapeRules.derivative(op, a, b, y)
    }
}

/// The rules of the tape's op codes with a fast path, each taken once from
/// its operation's definition.
let scalarTapeRules = ScalarTapeRules()

/// The rules of the op codes with a fast path (`add`, `mul`, `tanh`, …),
/// read from the operations' definitions once.
struct ScalarTapeRules: Sendable {
    let identity = Operation.identity.unaryRule!, neg = Operation.neg.unaryRule!
    let exp = Operation.exp.unaryRule!, log = Operation.log.unaryRule!
    let recip = Operation.recip.unaryRule!, square = Operation.square.unaryRule!
    let sqrt = Operation.sqrt.unaryRule!, sigmoid = Operation.sigmoid.unaryRule!
    let relu = Operation.relu.unaryRule!, tanh = Operation.tanh.unaryRule!
    let add = Operation.add.binaryRule!, sub = Operation.sub.binaryRule!
    let mul = Operation.mul.binaryRule!, div = Operation.div.binaryRule!

    // Each case calls its rule's closure in place: a helper returning the
    // rule would copy it (a retain and a release per node).

    /// `y = op(a)` or `y = a ∘ b`; a leaf's value is `a`.
    @inline(__always)
    func forward(_ op: ScalarTape.Op, _ a: Double, _ b: Double) -> Double {
        switch op {
        case .leaf:     a
        case .identity: identity.forward(a)
        case .neg:      neg.forward(a)
        case .exp:      exp.forward(a)
        case .log:      log.forward(a)
        case .recip:    recip.forward(a)
        case .square:   square.forward(a)
        case .sqrt:     sqrt.forward(a)
        case .sigmoid:  sigmoid.forward(a)
        case .relu:     relu.forward(a)
        case .tanh:     tanh.forward(a)
        case .pow, .unary, .binary: preconditionFailure("the rule is kept beside the node")
        case .add:      add.forward(a, b)
        case .sub:      sub.forward(a, b)
        case .mul:      mul.forward(a, b)
        case .div:      div.forward(a, b)
        }
    }

    /// `∂y/∂a` and `∂y/∂b` given the operands and the output `y` (`∂y/∂b`
    /// is 0 for a one-operand op; both are 0 for a leaf).
    @inline(__always)
    func derivative(_ op: ScalarTape.Op, _ a: Double, _ b: Double, _ y: Double) -> (da: Double, db: Double) {
        switch op {
        case .leaf:     (0, 0)
        case .identity: (identity.derivative(a, y), 0)
        case .neg:      (neg.derivative(a, y), 0)
        case .exp:      (exp.derivative(a, y), 0)
        case .log:      (log.derivative(a, y), 0)
        case .recip:    (recip.derivative(a, y), 0)
        case .square:   (square.derivative(a, y), 0)
        case .sqrt:     (sqrt.derivative(a, y), 0)
        case .sigmoid:  (sigmoid.derivative(a, y), 0)
        case .relu:     (relu.derivative(a, y), 0)
        case .tanh:     (tanh.derivative(a, y), 0)
        case .pow, .unary, .binary: preconditionFailure("the rule is kept beside the node")
        case .add:      (add.da(a, b), add.db(a, b))
        case .sub:      (sub.da(a, b), sub.db(a, b))
        case .mul:      (mul.da(a, b), mul.db(a, b))
        case .div:      (div.da(a, b), div.db(a, b))
        }
    }
}

extension ScalarTape {
    /// Copies a graph whose nodes are all scalars and whose operations are
    /// all elementwise into a tape (node `i` of the graph becomes node `i`
    /// of the tape). Returns `nil` if the graph has a non-scalar node or a
    /// tensor operation.
    public init?(_ graph: Graph) {
        self.init(capacity: graph.nodes.count)
        for node in graph.nodes {
            guard node.shape.isEmpty else { return nil }
            if let operation = node.operation {
                guard Op(operation) != nil else { return nil }
                apply(operation, operands: node.inputs.map { Variable($0.index) })
            } else {
                leaf(graph.initialValues[node.id.index]!.scalar)
            }
        }
    }
}
