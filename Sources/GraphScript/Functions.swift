import ChainRule
import ChainRuleSupport

/// The functions a graph script can call: the operations whose definitions
/// have a `ScriptCall` (see `Operation.scriptCalls`), and leaf initialisers.
enum ScriptFunction: Sendable {
    /// `exp(x)`, `sum(x, axis=0)`, `leaky_relu(x, 0.1)`, …: an operation, called as its definition says.
    case operation(ScriptCall)
    /// `zeros(…)`, `ones(…)`, `randn(…)`: leaf initialisers, only as a whole right side.
    case initializer(Initializer)

    enum Initializer: String, Sendable { case zeros, ones, randn }

    /// A function's name and the function.
    typealias Entry = (name: String, function: ScriptFunction)

    /// The operations a script can call, sorted by name.
    ///
    /// Sorted arrays searched by halves, not `Dictionary`s: making a
    /// `[String: ScriptFunction]` has the Swift runtime check `String:
    /// Hashable` by scanning every protocol conformance record of the
    /// binary (~11,500 in the static `chainrule`), 0.6 M instructions at the
    /// start of every command that reads a script — 15 % of a one-line
    /// `chainrule eval` (callgrind, Benchmarks/README.md "Issue 15, session 7").
    static let builtins: [Entry] = Operation.scriptCalls.map { ($0.name, ScriptFunction.operation($0)) }.sorted { $0.name < $1.name }

    /// Leaf initialisers (language growth for lessons), sorted by name. Their
    /// names stay free for assignment, so no script valid under
    /// docs/LANGUAGE.md changes meaning.
    static let initializers: [Entry] = [
        ("ones", .initializer(.ones)), ("randn", .initializer(.randn)), ("zeros", .initializer(.zeros)),
    ]

    /// The names of the operations a script can call, sorted (for listings).
    static var builtinNames: [String] { builtins.map(\.name) }

    /// The function called `name`, if there is one.
    static func named(_ name: String) -> ScriptFunction? {
        guard couldBeFunction(name) else { return nil }
        return find(name, in: builtins) ?? find(name, in: initializers)
    }

    /// The function called `name` in `table` (sorted by name), by halving.
    private static func find(_ name: String, in table: [Entry]) -> ScriptFunction? {
        var low = 0, high = table.count
        while low < high {
            let mid = (low + high) / 2
            if table[mid].name < name { low = mid + 1 } else { high = mid }
        }
        return low < table.count && table[low].name == name ? table[low].function : nil
    }

    /// The bytes and lengths function names use (from the tables above), so
    /// most names (`v12`, `W1`) are ruled out without looking them up.
    private static let nameBytes: [Bool] = {
        var allowed = [Bool](repeating: false, count: 256)
        for entry in builtins + initializers { for b in entry.name.utf8 { allowed[Int(b)] = true } }
        return allowed
    }()
    private static let nameLengths: ClosedRange<Int> = {
        let lengths = (builtins + initializers).map { $0.name.utf8.count }
        return lengths.min()!...lengths.max()!
    }()

    /// `couldBeFunction` for the name at `bytes[start..<end]`.
    static func couldBeFunction(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard nameLengths.contains(end - start) else { return false }
        return nameBytes.withUnsafeBufferPointer { allowed in
            for i in start..<end where !allowed[Int(bytes[i])] { return false }
            return true
        }
    }

    /// `false` when `name` cannot be a function's name.
    static func couldBeFunction(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard nameLengths.contains(utf8.count) else { return false }
        let allowed = nameBytes
        for b in utf8 where !allowed[Int(b)] { return false }
        return true
    }

    /// All callable names, sorted (for "did you mean" and listings).
    static let allNames: [String] = (builtins + initializers).map(\.name).sorted()

    /// Whether a statement may not assign `name`: the functions of the core
    /// language. Later additions and the initialisers stay free, so no script
    /// that was valid before they existed changes meaning.
    static func isReserved(_ name: String) -> Bool {
        if case .operation(let call)? = named(name) { return call.reserved }
        return false
    }

    /// How the function is called, for messages: `sum(x)` / `sum(x, axis=0|1)`.
    static func signature(of name: String) -> String {
        switch named(name) {
        case .operation(let call): return call.signature
        case .initializer(.randn): return "randn(n) or randn(rows, cols), with optional scale=… and seed=…"
        case .initializer: return "\(name)(n) or \(name)(rows, cols)"
        case nil: return name
        }
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely typo (`Suggestion`).
func nearestName(to name: String, in candidates: some Sequence<String>) -> String? {
    Suggestion.nearest(to: name, in: candidates)
}
