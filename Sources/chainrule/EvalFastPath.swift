/// `chainrule eval FILE` and `chainrule eval FILE --json` (or `--json FILE`),
/// run without ArgumentParser — as `DrawFastPath` does for `draw`.
///
/// Why: ArgumentParser builds the root command's and `eval`'s argument sets
/// by reflection, with a protocol-conformance lookup per property that scans
/// every conformance record of the static binary: 12 M of the 81 M
/// instructions `chainrule eval eval-10k.graph --json` takes (callgrind,
/// Benchmarks/README.md "Issue 15, session 6"). Only exactly these argument
/// shapes take this path, with FILE not starting with "-" (so no `-e`, no
/// standard input, no `--help`); everything else goes through
/// ArgumentParser. Both paths run `Eval.evaluate`, so output, messages and
/// exit codes are the same (`EvalFastPathTests`).
enum EvalFastPath {
    /// FILE and whether `--json` was given, when `arguments` (without the
    /// program name) is one of the shapes above.
    static func plainEval(_ arguments: [String]) -> (file: String, json: Bool)? {
        guard arguments.first == "eval", arguments.count == 2 || arguments.count == 3 else { return nil }
        var rest = arguments.dropFirst()
        var json = false
        if let k = rest.firstIndex(of: "--json") {
            json = true
            rest.remove(at: k)
        }
        guard rest.count == 1, let file = rest.first, !file.isEmpty, !file.hasPrefix("-") else { return nil }
        return (file, json)
    }
}
