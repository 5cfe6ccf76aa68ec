import Synchronization

/// The compact form of a graph whose nodes are all scalars and whose
/// operations are all elementwise — a scalar script, micrograd's kind of
/// graph: per node one op code and two operand indices, the way
/// `ScalarTape` keeps them.
///
/// `Graph` builds it beside its nodes for as long as every node fits (a
/// scalar leaf or constant, a scalar elementwise operation, no data leaf),
/// and then runs `forward()` and `backward(from:)` over flat `Double`
/// arrays: no `Tensor`, heap array or rule copy per node. `Forward` and
/// `Backward` make their `Tensor` arrays from those numbers the first time
/// someone reads them.
///
/// The numbers are the general path's, bit for bit: each op code runs its
/// operation's definition (the rule `Graph.forward` applies), nodes are
/// visited in the same order, and a node's first contribution is assigned,
/// not added to zero (`0 + (−0)` would be `+0`). `ScalarProgramTests`
/// compares both paths on random graphs.
struct ScalarProgram: Sendable {
    /// Per node: op code and operands (`b` is the slot in `sideRules` for
    /// `pow`, `unary` and `binary`).
    private(set) var entries: [ScalarTape.Entry] = []
    /// The rules kept beside `pow`, `unary` and `binary` nodes.
    private var sideRules: [ScalarTape.SideRule] = []

    var count: Int { entries.count }

    mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    /// A scalar leaf or constant (its value is read from the graph's
    /// `initialValues` at each forward pass).
    mutating func appendLeaf() { entries.append(ScalarTape.Entry(.leaf, 0, 0)) }

    /// A scalar elementwise operation on earlier nodes, `op` its op code
    /// (`ScalarTape.Op(operation)`), with `op.arity` inputs.
    mutating func append(_ op: ScalarTape.Op, _ operation: Operation, _ inputs: [NodeID]) {
        let a = Int32(truncatingIfNeeded: inputs[0].index)
        switch op {
        case .pow, .unary:
            entries.append(ScalarTape.Entry(op, a, Int32(truncatingIfNeeded: sideRules.count)))
            sideRules.append(ScalarTape.SideRule(operation))
        case .binary:
            entries.append(ScalarTape.Entry(op, a, Int32(truncatingIfNeeded: sideRules.count)))
            sideRules.append(ScalarTape.SideRule(operation, second: Int32(truncatingIfNeeded: inputs[1].index)))
        default:
            entries.append(ScalarTape.Entry(op, a, op.arity == 2 ? Int32(truncatingIfNeeded: inputs[1].index) : 0))
        }
    }

    /// Every node's value: leaves and constants from `initial`, each
    /// operation from its operands.
    func forward(_ initial: [Tensor?]) -> [Double] {
        let n = entries.count
        return [Double](unsafeUninitializedCapacity: n) { v, count in
            entries.withUnsafeBufferPointer { e in
                sideRules.withUnsafeBufferPointer { side in
                    for i in 0..<n {
                        let entry = e[i]
                        switch entry.op {
                        case .leaf:
                            v[i] = initial[i]!.scalar
                        case .pow, .unary:
                            v[i] = side[Int(entry.b)].unary!.forward(v[Int(entry.a)])
                        case .binary:
                            let rule = side[Int(entry.b)]
                            v[i] = rule.binary!.forward(v[Int(entry.a)], v[Int(rule.second)])
                        default:
                            v[i] = ScalarTape.forward(entry.op, v[Int(entry.a)], entry.op.arity == 2 ? v[Int(entry.b)] : 0)
                        }
                    }
                }
            }
            count = n
        }
    }

    /// The backward pass from `output` seeded with `seed`: every node's
    /// gradient (0 where none arrives) and whether one arrived. Like
    /// `Backward.pass`: nodes from `output` down, each operand's
    /// contribution `local · upstream` in operand order.
    func backward(_ values: [Double], from output: Int, seed: Double) -> (gradients: [Double], reached: [Bool]) {
        let n = entries.count
        var gradients = [Double](repeating: 0, count: n)
        var reached = [Bool](repeating: false, count: n)
        entries.withUnsafeBufferPointer { e in
            sideRules.withUnsafeBufferPointer { side in
                values.withUnsafeBufferPointer { v in
                    gradients.withUnsafeMutableBufferPointer { g in
                        reached.withUnsafeMutableBufferPointer { r in
                            g[output] = seed
                            r[output] = true
                            /// `g[j] += c`, or `g[j] = c` for the first contribution.
                            @inline(__always) func add(_ c: Double, _ j: Int) {
                                if r[j] { g[j] += c } else { g[j] = c; r[j] = true }
                            }
                            var i = output
                            while i >= 0 {
                                defer { i -= 1 }
                                guard r[i] else { continue }
                                let entry = e[i]
                                let up = g[i]
                                switch entry.op {
                                case .leaf:
                                    continue
                                case .pow, .unary:
                                    let ia = Int(entry.a)
                                    add(side[Int(entry.b)].unary!.derivative(v[ia], v[i]) * up, ia)
                                case .binary:
                                    let rule = side[Int(entry.b)]
                                    let ia = Int(entry.a), ib = Int(rule.second)
                                    let (da, db) = (rule.binary!.da(v[ia], v[ib]), rule.binary!.db(v[ia], v[ib]))
                                    add(da * up, ia)
                                    add(db * up, ib)
                                case _ where entry.op.arity == 1:
                                    let ia = Int(entry.a)
                                    add(ScalarTape.derivative(entry.op, v[ia], 0, v[i]).da * up, ia)
                                default:
                                    let ia = Int(entry.a), ib = Int(entry.b)
                                    let d = ScalarTape.derivative(entry.op, v[ia], v[ib], v[i])
                                    add(d.da * up, ia)
                                    add(d.db * up, ib)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gradients, reached)
    }
}

/// A value made the first time it is read, then kept (shared by copies of
/// the struct holding it): the `Tensor` arrays of a scalar-path pass.
final class MadeOnce<Value: Sendable>: Sendable {
    private let make: @Sendable () -> Value
    private let made: Mutex<Value?>

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
        self.made = Mutex(nil)
    }

    /// Already made.
    init(made value: Value) {
        self.make = { value }
        self.made = Mutex(value)
    }

    var value: Value {
        made.withLock { made in
            if let made { return made }
            let value = make()
            made = value
            return value
        }
    }
}
