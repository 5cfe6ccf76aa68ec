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
    let body = Array(data.dropFirst())
    if selector & 1 == 0 {
        do {
            let script = try ScriptCompiler.compile(body, fileName: "fuzz.graph")
            _ = try? script.evaluate()
        } catch {
            // A located diagnostic is a correct answer; rendering it must not trap either.
            precondition(error.line >= 1 && error.column >= 1, "diagnostic without a location")
            _ = error.rendered
        }
    } else {
        fuzzLesson(body)
    }
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
        _ = try Lesson(markdown: text, fileName: "fuzz.md", directory: "/nonexistent-chainrule-fuzz")
    } catch {
        precondition(error.line >= 1 && error.column >= 1, "lesson error without a location")
        _ = error.rendered
    }
}
