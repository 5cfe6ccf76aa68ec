import Foundation
import TestSupport
import Testing

/// The conformance cases in `Tests/Conformance` (see its README): every good
/// case through `chainrule eval --json` against values from an independent
/// float64 reference, every bad case for a located error without a crash.
@Suite struct ConformanceTests {
    /// Tolerance of every number: |actual − expected| ≤ absolute + relative·|expected|.
    static let absoluteTolerance = 1e-9
    static let relativeTolerance = 1e-6
    /// Signs of a crash on stderr.
    static let crashMarkers = ["Fatal error", "Stack dump", "Current stack trace", "Program crashed",
                               "Segmentation fault", "Illegal instruction", "Trace/breakpoint trap"]

    static func graphs(in folder: String) -> [String] {
        let dir = Repository.conformance.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".graph") }.sorted()
    }

    static let good = graphs(in: "cases")
    static let bad = graphs(in: "bad")

    @Test func theCasesArePresent() {
        // The original public set: 32 good and 13 bad cases (more may be added).
        #expect(Self.good.count >= 32, "Tests/Conformance/cases")
        #expect(Self.bad.count >= 13, "Tests/Conformance/bad")
    }

    @Test(.enabled(if: CLI.binary != nil, "the chainrule executable is not built"), arguments: good)
    func goodCase(_ name: String) throws {
        let (_, expected, r) = try Self.run(name, in: "cases", expecting: JSONValue.self, from: "json")
        try #require(Self.crash(r) == nil, "\(name): \(Self.crash(r) ?? "")")
        try #require(r.status == 0, "\(name): exit status \(r.status); stderr: \(r.stderr)")
        let actual: JSONValue
        do {
            actual = try JSONDecoder().decode(JSONValue.self, from: Data(r.stdout.utf8))
        } catch {
            Issue.record("\(name): stdout is not one JSON object: \(error)\n\(r.stdout.prefix(500))")
            return
        }
        let why = Self.mismatch(expected: expected, actual: actual)
        #expect(why == nil, "\(name): \(why ?? "")")
    }

    @Test(.enabled(if: CLI.binary != nil, "the chainrule executable is not built"), arguments: bad)
    func badCase(_ name: String) throws {
        let (graph, expect, r) = try Self.run(name, in: "bad", expecting: BadExpectation.self, from: "expect.json")
        #expect(Self.crash(r) == nil, "\(name): \(Self.crash(r) ?? "")")
        if expect.any_outcome == true { return }  // only "no crash, no hang" is required
        #expect(r.status != 0, "\(name): exit status 0; an error at line \(expect.line) was expected")
        let spot = expect.col.map { "\(expect.line):\($0):" } ?? "\(expect.line):"
        let wanted = [graph.path, name].map { "\($0):\(spot)" }
        #expect(wanted.contains { r.stderr.contains($0) }, "\(name): stderr lacks \(wanted[1]): \(r.stderr)")
    }

    /// Runs `chainrule eval --json` on `folder/name`, with the expectation
    /// read from the file beside it with the extension `ext`.
    static func run<T: Decodable>(_ name: String, in folder: String, expecting: T.Type, from ext: String) throws
        -> (URL, T, ProcessRunner.Result) {
        let graph = Repository.conformance.appendingPathComponent(folder + "/" + name)
        let expectation = graph.deletingPathExtension().appendingPathExtension(ext)
        let expected = try JSONDecoder().decode(T.self, from: Data(contentsOf: expectation))
        return (graph, expected, try CLI.run(["eval", "--json", graph.path]))
    }

    /// Why a run counts as a crash, or `nil`.
    static func crash(_ r: ProcessRunner.Result) -> String? {
        if let signal = r.signal { return "killed by signal \(signal)" }
        if r.status >= 128 { return "exit status \(r.status) (≥ 128: crash or signal)" }
        if let marker = crashMarkers.first(where: { r.stderr.contains($0) }) { return "crash report on stderr (\(marker))" }
        return nil
    }

    /// The first difference between the expected and the printed object, or `nil`.
    static func mismatch(expected: JSONValue, actual: JSONValue) -> String? {
        guard case .object(let exp) = expected, case .object(let act) = actual else { return "stdout is not a JSON object" }
        for key in ["output", "values", "grads"] where act[key] == nil { return "missing key \(key)" }
        if act["output"] != exp["output"] { return "output: expected \(exp["output"]!), got \(act["output"]!)" }
        for key in ["values", "grads"] {
            guard case .object(let ev)? = exp[key], case .object(let av)? = act[key] else { return "\(key) is not an object" }
            let missing = ev.keys.filter { av[$0] == nil }.sorted(), extra = av.keys.filter { ev[$0] == nil }.sorted()
            if !missing.isEmpty || !extra.isEmpty { return "\(key): names differ: missing \(missing), unexpected \(extra)" }
            for name in ev.keys.sorted() {
                if let why = compareTensor("\(key)[\(name)]", ev[name]!, av[name]!) { return why }
            }
        }
        return nil
    }

    static func compareTensor(_ at: String, _ exp: JSONValue, _ act: JSONValue) -> String? {
        if exp == .null { return act == .null ? nil : "\(at): expected null (a target receives no gradient), got \(act)" }
        if act == .null { return "\(at): expected a value, got null" }
        guard let es = exp.shape else { return "\(at): bad expected value \(exp)" }
        guard let as_ = act.shape else { return "\(at): not a scalar, vector or matrix of numbers: \(act)" }
        if es != as_ { return "\(at): expected shape \(es), got shape \(as_)" }
        for (i, (e, a)) in zip(exp.elements, act.elements).enumerated() {
            switch (e, a) {
            case (.string(let s), _):
                if a != .string(s) { return "\(at) element \(i): expected \"\(s)\", got \(a)" }
            case (.number(let x), .number(let y)):
                if !(y.isFinite && abs(y - x) <= absoluteTolerance + relativeTolerance * abs(x)) {
                    return "\(at) element \(i): expected \(x), got \(y)"
                }
            default:
                return "\(at) element \(i): expected \(e), got \(a)"
            }
        }
        return nil
    }
}

/// `{"line": L, "col": C or null, "any_outcome": true?}`.
struct BadExpectation: Decodable {
    var line: Int
    var col: Int?
    var any_outcome: Bool?
}

/// A JSON value, strictly: `true` is not a number, a bare `NaN` is not JSON.
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let n): "\(n)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o): "{" + o.keys.sorted().map { "\"\($0)\": \(o[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    /// A number or one of "nan", "inf", "-inf".
    var isScalar: Bool {
        switch self {
        case .number: true
        case .string(let s): ["nan", "inf", "-inf"].contains(s)
        default: false
        }
    }

    /// `[]` scalar, `[n]` vector, `[r, c]` matrix (non-empty, not ragged); `nil` otherwise.
    var shape: [Int]? {
        if isScalar { return [] }
        guard case .array(let items) = self, !items.isEmpty else { return nil }
        if items.allSatisfy(\.isScalar) { return [items.count] }
        let rows = items.compactMap { row -> [JSONValue]? in
            if case .array(let r) = row, !r.isEmpty, r.allSatisfy(\.isScalar) { return r }
            return nil
        }
        guard rows.count == items.count, Set(rows.map(\.count)).count == 1 else { return nil }
        return [rows.count, rows[0].count]
    }

    /// The scalars in row order.
    var elements: [JSONValue] {
        guard case .array(let items) = self else { return [self] }
        return items.flatMap(\.elements)
    }
}
