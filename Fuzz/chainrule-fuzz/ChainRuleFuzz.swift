// chainrule-fuzz — feeds arbitrary bytes to the graph-script compiler and the
// lesson parser. Every input must end in a result or a located diagnostic:
// never a crash, a trap or a hang.
//
// Two ways to run it (see Fuzz/README.md):
//   * libFuzzer: Fuzz/run-libfuzzer.sh builds this file with
//     `-sanitize=fuzzer,address -D LIBFUZZER` (libFuzzer supplies `main`).
//   * Portable: `chainrule-fuzz [--runs N] [--seed S] [--time-limit SECONDS] CORPUS_DIR...`
//     mutates the corpus inputs itself (bit flips, splices, token insertions,
//     deletions, duplication) and runs each one in-process with a watchdog.

import ChainRule
import ChainRuleLessons
import GraphScript

#if canImport(Glibc)
import Glibc
#endif

/// Runs one input through the parsers. The first byte chooses the target:
/// even → graph script, odd → lesson Markdown.
func fuzzOne(_ data: [UInt8]) {
    guard let selector = data.first else { return }
    if let marker = crashMarker, contains(data, marker) {
        fatalError("chainrule-fuzz: --crash-on marker found (a deliberate crash, to check that crashing inputs are saved)")
    }
    let body = Array(data.dropFirst())
    if selector & 1 == 0 {
        do {
            let script = try ScriptCompiler.compile(body, fileName: "fuzz.graph")
            // Parsing is what is fuzzed; evaluation runs when it is cheap enough
            // that a slow input means a bug, not a legitimately big matrix product.
            if work(of: script.graph) <= evaluationBudget { _ = try? script.evaluate() }
        } catch {
            // A located diagnostic is a correct answer; rendering it must not trap either.
            precondition(error.line >= 1 && error.column >= 1, "diagnostic without a location")
            _ = error.rendered
        }
    } else {
        fuzzLesson(body)
    }
}

/// `--crash-on MARKER`: trap on any input containing MARKER. It checks the
/// harness itself (a crashing input must be saved before the process dies);
/// never set during a real run.
nonisolated(unsafe) var crashMarker: [UInt8]?

func contains(_ data: [UInt8], _ marker: [UInt8]) -> Bool {
    guard !marker.isEmpty, data.count >= marker.count else { return false }
    return (0...(data.count - marker.count)).contains { data[$0..<($0 + marker.count)].elementsEqual(marker) }
}

/// The most arithmetic (elements touched plus multiply-adds) an input may ask for
/// before the harness skips evaluating it: about a second in a sanitized debug build.
let evaluationBudget = 20_000_000

/// Elements of every node value plus the multiply-adds of every matrix product.
func work(of graph: Graph) -> Int {
    var total = 0
    for node in graph.nodes {
        total += node.shape.reduce(1, *)
        if node.operation == .matmul, node.inputs.count == 2 {
            let a = graph[node.inputs[0]].shape, b = graph[node.inputs[1]].shape
            total += a.reduce(1, *) * (b.count == 2 ? b[1] : 1)
        }
    }
    return total
}

#if LIBFUZZER
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    fuzzOne(Array(UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}
#else
@main
enum ChainRuleFuzz {
    static func main() { MutationFuzzer.main() }
}
#endif

/// Runs bytes through the lesson parser and step builder. Data files are
/// looked up in a folder that does not exist, so `> data` directives fail
/// fast with a located error instead of training.
func fuzzLesson(_ body: [UInt8]) {
    guard let text = String(validating: body, as: UTF8.self) else { return }
    do {
        // Parse always; build the steps (which run forward/backward passes and any
        // `> check`, i.e. two forward passes per leaf element) only when that is cheap.
        let document = try LessonDocument(markdown: text, fileName: "fuzz.md")
        let checks = text.contains("> check")
        for case .graph(let source, let firstLine, _) in document.elements {
            guard let script = try? ScriptCompiler.compile(source, fileName: "fuzz.md", firstLine: firstLine) else { continue }
            let leafElements = script.graph.leaves.reduce(0) { $0 + script.graph[$1].shape.reduce(1, *) }
            let cost = work(of: script.graph) * (checks ? 2 * max(leafElements, 1) : 4)
            if cost > evaluationBudget { return }
        }
        _ = try Lesson(markdown: text, fileName: "fuzz.md", directory: "/nonexistent-chainrule-fuzz")
    } catch {
        precondition(error.line >= 1 && error.column >= 1, "lesson error without a location")
        _ = error.rendered
    }
}
